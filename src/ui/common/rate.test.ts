import { describe, expect, it } from 'vitest';
import { phaseStart, rateText } from './rate.js';

describe('job rate and time left', () => {
  it('measures from the start of the current phase', () => {
    let s = phaseStart(null, { done: 0, total: 4 }, 0);
    s = phaseStart(s, { done: 4, total: 4 }, 500);
    // A new total: the windows phase starts now, the reading phase's speed does not count.
    s = phaseStart(s, { done: 0, total: 1000 }, 1000);
    expect(s).toEqual({ total: 1000, done: 0, at: 1000 });
    expect(rateText(s, { done: 250, total: 1000 }, 3500, 'windows')).toBe('100 windows/s · 8s left');
  });

  it('shows nothing before there is a rate', () => {
    const s = phaseStart(null, { done: 0, total: 10 }, 0);
    expect(rateText(s, { done: 0, total: 10 }, 5000, 'windows')).toBeNull();
    expect(rateText(s, { done: 3, total: 10 }, 100, 'windows')).toBeNull();
  });

  it('writes slow rates with a decimal and long waits in minutes', () => {
    const s = phaseStart(null, { done: 0, total: 1000 }, 0);
    expect(rateText(s, { done: 5, total: 1000 }, 2000, 'windows')).toBe('2.5 windows/s · 6m 38s left');
  });
});
