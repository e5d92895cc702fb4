import type { Progress } from '../../workers/protocol.js';
import { formatDuration } from '../train/charts.js';

/** Where the current phase of a job started; a new total means a new phase (reading, then windows). */
export interface PhaseStart {
  total: number;
  done: number;
  at: number;
}

export function phaseStart(prev: PhaseStart | null, p: Progress, now: number): PhaseStart {
  return prev && prev.total === p.total && p.done >= prev.done ? prev : { total: p.total, done: p.done, at: now };
}

/** "85 windows/s · 12s left" from the progress since the phase started; null until there is a rate to show. */
export function rateText(start: PhaseStart, p: Progress, now: number, unit: string): string | null {
  const seconds = (now - start.at) / 1000;
  const done = p.done - start.done;
  if (seconds < 0.2 || done <= 0) return null;
  const rate = done / seconds;
  const shown = rate >= 10 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1);
  return `${shown} ${unit}/s · ${formatDuration((p.total - p.done) / rate)} left`;
}
