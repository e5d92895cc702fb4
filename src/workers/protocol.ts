// One message protocol for every worker: typed request kinds, request ids, progress events,
// cancellation, and errors as values carrying a message a user can act on.

/** Maps each request kind of a worker to its payload and result types. */
export type Api = Record<string, { payload: unknown; result: unknown }>;

export interface Progress {
  done: number;
  total: number;
  /** What is being done, for the progress bar's caption. */
  label?: string;
}

export type ErrorCode = 'cancelled' | 'invalid-input' | 'quota-exceeded' | 'not-found' | 'unavailable' | 'busy' | 'worker-failed' | 'internal';

export interface ErrorValue {
  code: ErrorCode;
  message: string;
}

export type RequestMessage =
  | { type: 'request'; id: number; kind: string; payload: unknown }
  | { type: 'cancel'; id: number };

export type ResponseMessage =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: ErrorValue };

/** An error a handler throws on purpose; its message is shown to the user as is. */
export class StudioError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

export function isQuotaError(err: unknown): boolean {
  return err instanceof DOMException ? err.name === 'QuotaExceededError' : false;
}

export function toErrorValue(err: unknown): ErrorValue {
  if (err instanceof StudioError) return { code: err.code, message: err.message };
  if (isQuotaError(err))
    return { code: 'quota-exceeded', message: 'The browser storage quota is exhausted; nothing was written. Free space by deleting datasets or runs.' };
  if (err instanceof DOMException && err.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export interface HandlerContext {
  signal: AbortSignal;
  progress(done: number, total: number, label?: string): void;
  /** Throws a 'cancelled' StudioError when the request was cancelled. */
  checkCancelled(): void;
}

export type Handlers<A extends Api> = {
  [K in keyof A]: (payload: A[K]['payload'], ctx: HandlerContext) => Promise<A[K]['result']>;
};

export interface Endpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (ev: MessageEvent) => void): void;
  /** A Worker fires 'error' when its script fails to load or throws outside any request. */
  addEventListener(type: 'error', listener: (ev: Event) => void): void;
}

/** Worker side: answers requests with the given handlers. */
export function serve<A extends Api>(endpoint: Endpoint, handlers: Handlers<A>): void {
  const running = new Map<number, AbortController>();
  endpoint.addEventListener('message', (ev: MessageEvent) => {
    const msg = ev.data as RequestMessage;
    if (msg.type === 'cancel') {
      running.get(msg.id)?.abort();
      return;
    }
    if (msg.type !== 'request') return;
    const controller = new AbortController();
    running.set(msg.id, controller);
    let lastProgress = 0;
    const ctx: HandlerContext = {
      signal: controller.signal,
      progress(done, total, label) {
        // Throttled so a tight loop cannot flood the main thread with messages.
        const now = Date.now();
        if (now - lastProgress < 50 && done < total) return;
        lastProgress = now;
        endpoint.postMessage({ type: 'progress', id: msg.id, progress: { done, total, label } } satisfies ResponseMessage);
      },
      checkCancelled() {
        if (controller.signal.aborted) throw new StudioError('cancelled', 'Cancelled.');
      },
    };
    const handler = handlers[msg.kind as keyof A];
    const work = handler
      ? Promise.resolve().then(() => handler(msg.payload as A[keyof A]['payload'], ctx))
      : Promise.reject(new StudioError('invalid-input', `unknown request kind "${msg.kind}"`));
    work.then(
      (result) => endpoint.postMessage({ type: 'result', id: msg.id, result } satisfies ResponseMessage),
      (err: unknown) => {
        const error = controller.signal.aborted ? { code: 'cancelled' as const, message: 'Cancelled.' } : toErrorValue(err);
        endpoint.postMessage({ type: 'error', id: msg.id, error } satisfies ResponseMessage);
      },
    ).finally(() => running.delete(msg.id));
  });
}

/** What a failed request rejects with on the calling side. */
export class WorkerError extends Error {
  constructor(readonly error: ErrorValue) {
    super(error.message);
    this.name = 'WorkerError';
  }
  get cancelled(): boolean {
    return this.error.code === 'cancelled';
  }
}

export interface CallOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface Client<A extends Api> {
  call<K extends keyof A & string>(kind: K, payload: A[K]['payload'], options?: CallOptions): Promise<A[K]['result']>;
  /** Set once the worker has failed: every pending and later call rejects with this error. */
  readonly failure: WorkerError | null;
  /** Called once when the worker fails (to load, or by crashing). */
  onFailure(listener: (err: WorkerError) => void): () => void;
}

function failureMessage(name: string, ev: Event): string {
  // An ErrorEvent carries the uncaught error's message; a script that failed to load gives a bare Event.
  const msg = (ev as Partial<ErrorEvent>).message;
  const detail = typeof msg === 'string' && msg ? msg : 'it failed to load or crashed';
  return `The ${name} worker stopped (${detail}); its work in progress is lost. Restart it to continue.`;
}

/** Calling side: typed requests with progress and cancellation through an AbortSignal. */
export function connect<A extends Api>(endpoint: Endpoint, name = 'background'): Client<A> {
  let nextId = 1;
  let failure: WorkerError | null = null;
  const failureListeners = new Set<(err: WorkerError) => void>();
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; onProgress?: (p: Progress) => void }>();
  const rejectAll = (err: WorkerError) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  endpoint.addEventListener('message', (ev: MessageEvent) => {
    const msg = ev.data as ResponseMessage;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') p.onProgress?.(msg.progress);
    else {
      pending.delete(msg.id);
      if (msg.type === 'result') p.resolve(msg.result);
      else p.reject(new WorkerError(msg.error));
    }
  });
  // A reply that cannot be deserialised names no request: every pending one may be the lost one.
  endpoint.addEventListener('messageerror', () =>
    rejectAll(new WorkerError({ code: 'internal', message: `A reply from the ${name} worker could not be read; try again.` })),
  );
  // After an uncaught error the worker's state is unknown: it is treated as dead rather than trusted.
  endpoint.addEventListener('error', (ev: Event) => {
    ev.preventDefault?.();
    if (failure) return;
    failure = new WorkerError({ code: 'worker-failed', message: failureMessage(name, ev) });
    rejectAll(failure);
    for (const l of failureListeners) l(failure);
  });
  return {
    get failure() {
      return failure;
    },
    onFailure(listener) {
      failureListeners.add(listener);
      return () => failureListeners.delete(listener);
    },
    call(kind, payload, options = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        if (options.signal?.aborted) return reject(new WorkerError({ code: 'cancelled', message: 'Cancelled.' }));
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress });
        options.signal?.addEventListener('abort', () => endpoint.postMessage({ type: 'cancel', id } satisfies RequestMessage), { once: true });
        endpoint.postMessage({ type: 'request', id, kind, payload } satisfies RequestMessage);
      });
    },
  };
}
