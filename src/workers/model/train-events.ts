// The training event bus: runs emit, the page long-polls. A bounded log with sequence numbers, so a
// watcher that falls behind learns it and reloads.
import type { TrainEvent, WatchResult } from '../train-api.js';

const EVENT_LOG_LIMIT = 20_000;
const eventLog: { seq: number; event: TrainEvent }[] = [];
let lastSeq = 0;
const waiters = new Set<() => void>();

export function emit(event: TrainEvent): void {
  eventLog.push({ seq: ++lastSeq, event });
  if (eventLog.length > EVENT_LOG_LIMIT) eventLog.splice(0, eventLog.length - EVENT_LOG_LIMIT);
  for (const wake of [...waiters]) wake();
}

export function notice(runId: string, level: 'info' | 'warn' | 'error', message: string): void {
  emit({ type: 'notice', runId, level, message });
}

function waitForEvents(after: number, waitMs: number, signal: AbortSignal): Promise<void> {
  if (lastSeq > after || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    waiters.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Consecutive metric events of one run travel as one. */
function coalesce(events: TrainEvent[]): TrainEvent[] {
  const out: TrainEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'metrics' && last?.type === 'metrics' && last.runId === e.runId) out[out.length - 1] = { ...last, points: [...last.points, ...e.points] };
    else out.push(e);
  }
  return out;
}

/** The events after `after`, as soon as there are any or after waitMs (at most 10 s). */
export async function watchEvents(after: number, waitMs: number | undefined, signal: AbortSignal): Promise<WatchResult> {
  await waitForEvents(after, Math.min(Math.max(waitMs ?? 1000, 0), 10_000), signal);
  const first = eventLog[0]?.seq ?? lastSeq + 1;
  if (after < first - 1) return { seq: lastSeq, events: [], reset: true };
  return { seq: lastSeq, events: coalesce(eventLog.filter((e) => e.seq > after).map((e) => e.event)), reset: false };
}

// Between steps a run yields a macrotask, so pause/stop/watch messages are handled promptly.
const yieldChannel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();
export function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    yieldChannel.port2.postMessage(0);
  });
}
