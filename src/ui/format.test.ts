import { describe, expect, it } from 'vitest';
import { countOf, formatBytes, formatDate, formatPercent, plural } from './format.js';

describe('display formats', () => {
  it('names binary units as binary (KiB, MiB), never MB for 2^20 bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
    expect(formatBytes(4_854_279)).toBe('4.6 MiB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10 GiB');
  });

  it('makes the word agree with the number', () => {
    expect(countOf(1, 'article')).toBe('1 article');
    expect(countOf(0, 'question')).toBe('0 questions');
    expect(countOf(1200, 'question')).toBe('1,200 questions');
    expect(plural(1, 'valid question')).toBe('valid question');
  });

  it('writes every date one way', () => {
    const t = new Date(2026, 10, 30, 14, 5).getTime();
    expect(formatDate(t)).toBe('30 Nov 2026, 14:05');
  });

  it('marks EM and F1 as percentages', () => {
    expect(formatPercent(81.2345)).toBe('81.23%');
  });
});
