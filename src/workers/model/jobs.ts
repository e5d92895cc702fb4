import type { HandlerContext } from '../protocol.js';
import { StudioError } from '../protocol.js';

// The model worker's one job lock. Work that holds resident models (an evaluation, a Playground
// answer, logits for the inspector) runs one job at a time; what would free their tensors (a backend
// switch, a new run) is refused while one runs, and deleting a model waits its turn.
let queue: Promise<unknown> = Promise.resolve();
let running: string | null = null;
let queued = 0;

/** Runs `work` when the jobs before it have finished; a request cancelled while it waited does not start. */
export function modelJob<T>(label: string, ctx: HandlerContext | null, work: () => Promise<T>): Promise<T> {
  queued++;
  const next = queue.then(async () => {
    queued--;
    ctx?.checkCancelled();
    running = label;
    try {
      return await work();
    } finally {
      running = null;
    }
  });
  queue = next.catch(() => undefined);
  return next;
}

/** What holds the lock now, if anything (a job queued but not started counts as holding it). */
export function currentModelJob(): string | null {
  return running ?? (queued > 0 ? 'a queued job' : null);
}

/** Throws a 'busy' error naming the job in the way, for actions that would free the tensors it uses. */
export function refuseDuringModelJob(action: string): void {
  const job = currentModelJob();
  if (job) throw new StudioError('busy', `Cannot ${action} while ${job} is running: wait for it to finish or cancel it.`);
}
