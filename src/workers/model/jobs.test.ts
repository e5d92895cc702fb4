import { describe, expect, it } from 'vitest';
import { currentModelJob, modelJob, refuseDuringModelJob } from './jobs.js';
import { StudioError, type HandlerContext } from '../protocol.js';

function ctx(): HandlerContext & { abort(): void } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    progress: () => undefined,
    checkCancelled() {
      if (controller.signal.aborted) throw new StudioError('cancelled', 'Cancelled.');
    },
    abort: () => controller.abort(),
  };
}

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
};

describe('the model worker job lock', () => {
  it('runs jobs one at a time, in order', async () => {
    const order: string[] = [];
    const g = gate();
    const a = modelJob('an evaluation', ctx(), async () => {
      order.push('eval start');
      await g.opened;
      order.push('eval end');
    });
    const b = modelJob('deleting a model', ctx(), async () => void order.push('delete'));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['eval start']);
    g.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['eval start', 'eval end', 'delete']);
    expect(currentModelJob()).toBeNull();
  });

  it('refuses what would free tensors while a job runs, naming the job', async () => {
    const g = gate();
    const a = modelJob('an evaluation', ctx(), () => g.opened);
    // Taken at once, before the job's first await: no window in which a backend switch slips through.
    expect(() => refuseDuringModelJob('switch the backend')).toThrow('Cannot switch the backend while a queued job is running');
    await new Promise((r) => setTimeout(r, 0));
    const err = (() => {
      try {
        refuseDuringModelJob('switch the backend');
      } catch (e) {
        return e as StudioError;
      }
    })();
    expect(err).toBeInstanceOf(StudioError);
    expect(err!.code).toBe('busy');
    expect(err!.message).toBe('Cannot switch the backend while an evaluation is running: wait for it to finish or cancel it.');
    g.open();
    await a;
    expect(() => refuseDuringModelJob('switch the backend')).not.toThrow();
  });

  it('does not start a job cancelled while it waited, and a failed job frees the lock', async () => {
    const g = gate();
    const a = modelJob('an evaluation', ctx(), () => g.opened);
    const c = ctx();
    let ran = false;
    const b = modelJob('a Playground answer', c, async () => void (ran = true));
    c.abort();
    g.open();
    await a;
    await expect(b).rejects.toThrow('Cancelled.');
    expect(ran).toBe(false);
    await expect(modelJob('failing', null, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(currentModelJob()).toBeNull();
    expect(await modelJob('next', null, async () => 7)).toBe(7);
  });
});
