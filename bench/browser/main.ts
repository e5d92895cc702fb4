// The page side of the browser training benchmark: Playwright calls window.bench(request) and gets
// the worker's answer; the page itself only relays and shows a log.
import type { BenchRequest, BenchResponse } from './protocol.js';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextId = 1;
const log = document.getElementById('log')!;

worker.onmessage = (e: MessageEvent<BenchResponse>) => {
  const p = pending.get(e.data.id);
  pending.delete(e.data.id);
  if (!p) return;
  if (e.data.ok) p.resolve(e.data.value);
  else p.reject(new Error(e.data.error));
};
worker.onerror = (e) => {
  for (const p of pending.values()) p.reject(new Error(`the benchmark worker failed: ${e.message}`));
  pending.clear();
};

type Request = BenchRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

function bench(request: Request): Promise<unknown> {
  const id = nextId++;
  log.textContent += `\n${JSON.stringify(request)}`;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...request, id });
  });
}

Object.assign(window, { bench, pageIsolated: window.crossOriginIsolated });
