import { describe, expect, it } from 'vitest';
import { connect, serve, StudioError, WorkerError, type Endpoint, type Progress } from './protocol.js';

type TestApi = {
  add: { payload: { a: number; b: number }; result: number };
  count: { payload: { to: number }; result: number };
  fail: { payload: null; result: null };
  crash: { payload: null; result: null };
};

function channel(): { client: Endpoint; worker: Endpoint } {
  const { port1, port2 } = new MessageChannel();
  const wrap = (port: MessagePort): Endpoint => ({
    postMessage: (m) => port.postMessage(m),
    addEventListener: (type, listener) => {
      port.addEventListener(type, listener as (ev: Event) => void);
      port.start();
    },
  });
  return { client: wrap(port1), worker: wrap(port2) };
}

function setup() {
  const { client, worker } = channel();
  serve<TestApi>(worker, {
    add: async ({ a, b }) => a + b,
    async count({ to }, ctx) {
      for (let i = 1; i <= to; i++) {
        ctx.checkCancelled();
        ctx.progress(i, to, 'counting');
        await new Promise((r) => setTimeout(r, 5));
      }
      return to;
    },
    fail: async () => {
      throw new StudioError('invalid-input', 'question q1: answer text does not match context at 515');
    },
    crash: async () => {
      throw new TypeError('x is undefined');
    },
  });
  return connect<TestApi>(client);
}

describe('worker protocol', () => {
  it('answers typed requests, concurrently, matched by id', async () => {
    const c = setup();
    const [x, y] = await Promise.all([c.call('add', { a: 1, b: 2 }), c.call('add', { a: 10, b: 20 })]);
    expect([x, y]).toEqual([3, 30]);
  });

  it('reports progress and its last event is the total', async () => {
    const c = setup();
    const seen: Progress[] = [];
    await c.call('count', { to: 20 }, { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toEqual({ done: 20, total: 20, label: 'counting' });
  });

  it('cancels through an AbortSignal', async () => {
    const c = setup();
    const controller = new AbortController();
    const pending = c.call('count', { to: 1000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as WorkerError).cancelled).toBe(true);
  });

  it('returns errors as values with the message for the user', async () => {
    const c = setup();
    const err = (await c.call('fail', null).catch((e: unknown) => e)) as WorkerError;
    expect(err.error).toEqual({ code: 'invalid-input', message: 'question q1: answer text does not match context at 515' });
    const crash = (await c.call('crash', null).catch((e: unknown) => e)) as WorkerError;
    expect(crash.error.code).toBe('internal');
    expect(crash.message).toBe('x is undefined');
  });
});

describe('a worker that fails', () => {
  // The calling side of a channel whose far end is a worker that can fail like a real one: 'error' and 'messageerror' events.
  function failing() {
    const { client, worker } = channel();
    const target = new EventTarget();
    const endpoint: Endpoint = {
      postMessage: client.postMessage,
      addEventListener: (type: string, listener: (ev: MessageEvent) => void) => {
        if (type === 'message') client.addEventListener('message', listener);
        else target.addEventListener(type, listener as EventListener);
      },
    };
    serve<TestApi>(worker, {
      add: async ({ a, b }) => a + b,
      count: () => new Promise(() => undefined),
      fail: async () => null,
      crash: async () => null,
    });
    return { c: connect<TestApi>(endpoint, 'model'), target };
  }

  it('rejects pending and later calls with a clear error when it crashes or fails to load', async () => {
    const { c, target } = failing();
    const failures: WorkerError[] = [];
    c.onFailure((e) => failures.push(e));
    expect(await c.call('add', { a: 1, b: 1 })).toBe(2);
    const stuck = c.call('count', { to: 1 }).catch((e: unknown) => e);
    target.dispatchEvent(new Event('error'));
    const err = (await stuck) as WorkerError;
    expect(err).toBeInstanceOf(WorkerError);
    expect(err.error.code).toBe('worker-failed');
    expect(err.message).toMatch(/^The model worker stopped \(it failed to load or crashed\).*Restart it/);
    expect(failures).toEqual([err]);
    expect(c.failure).toBe(err);
    const later = (await c.call('add', { a: 1, b: 1 }).catch((e: unknown) => e)) as WorkerError;
    expect(later.error.code).toBe('worker-failed');
  });

  it('names the uncaught error when there is one', async () => {
    const { c, target } = failing();
    const stuck = c.call('count', { to: 1 }).catch((e: unknown) => e);
    const ev = Object.assign(new Event('error'), { message: 'Uncaught RangeError: Array buffer allocation failed' });
    target.dispatchEvent(ev);
    expect(((await stuck) as WorkerError).message).toContain('Array buffer allocation failed');
  });

  it('rejects pending calls when a reply cannot be read, and keeps working', async () => {
    const { c, target } = failing();
    const stuck = c.call('count', { to: 1 }).catch((e: unknown) => e);
    target.dispatchEvent(new Event('messageerror'));
    expect(((await stuck) as WorkerError).message).toContain('could not be read');
    expect(c.failure).toBeNull();
    expect(await c.call('add', { a: 2, b: 3 })).toBe(5);
  });
});
