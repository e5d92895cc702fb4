import { PLAIN_MEMORY_RELAXED_WASM, PLAIN_MEMORY_WASM, SHARED_MEMORY_RELAXED_WASM, SHARED_MEMORY_WASM } from './wasm-simd.generated.js';

/**
 * The kernels of assembly/ (128-bit SIMD), instantiated on tfjs-wasm's own memory:
 * arguments are byte offsets of tensors in that heap, so the kernels read and write them in place.
 * Every function returns nothing and writes every element of its outputs.
 */
export interface SimdKernels {
  adamw(p: number, m: number, v: number, g: number, po: number, mo: number, vo: number, n: number,
    b1: number, c1: number, b2: number, c2: number, bc2: number, eps: number, decay: number, stepSize: number, scale: number, scaled: number, decays: number): void;
  sumSquares(x: number, n: number): number;
  layerNorm(x: number, gamma: number, beta: number, y: number, N: number, H: number, eps: number): void;
  layerNormGrad(dy: number, x: number, gamma: number, dx: number, dgamma: number, dbeta: number, N: number, H: number, eps: number): void;
  attentionProbs(scores: number, mask: number, noise: number, out: number, rows: number, len: number, perBatch: number, scale: number, keep: number, dropScale: number): void;
  attentionProbsGrad(dy: number, scores: number, mask: number, noise: number, dx: number, rows: number, len: number, perBatch: number, scale: number, keep: number, dropScale: number): void;
  biasGelu(x: number, bias: number, y: number, N: number, I: number): void;
  biasGeluGrad(dy: number, x: number, bias: number, dx: number, dbias: number, N: number, I: number, stride: number): void;
  addArrays(a: number, b: number, out: number, n: number): void;
  embeddingGrad(dy: number, ids: number, out: number, N: number, W: number, stride: number, rows: number, paddingIdx: number): void;
  residualDropout(x: number, res: number, noise: number, y: number, n: number, keep: number, dropScale: number): void;
  dropoutGrad(dy: number, noise: number, dx: number, n: number, keep: number, dropScale: number): void;
  transpose2d(src: number, dst: number, R: number, C: number): void;
  sumRows(x: number, out: number, N: number, C: number): void;
  aleaUniform(out: number, n: number, s0: number, s1: number, s2: number, c: number): void;
  /** See assembly/gemm.ts: strides in elements, pointers in bytes. */
  gemm(a: number, rsa: number, csa: number, sa: number, b: number, rsb: number, csb: number, sb: number,
    c: number, ldc: number, sc: number, bias: number, M: number, K: number, s0: number, s1: number, j0: number, j1: number, scratch: number): void;
  gemmScratchBytes(): number;
}

/** The parts of tfjs-wasm's Emscripten module that hold its memory (threaded and plain builds). */
interface EmscriptenModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

const byMemory = new WeakMap<WebAssembly.Memory, { kernels: SimdKernels; module: WebAssembly.Module } | null>();

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

let relaxed = false;

/**
 * Whether this engine takes relaxed SIMD (Chrome 114+, Node 22+; Node 20 behind a V8 flag, which
 * the CLI sets): the modules built with it run the matrix product on fused multiply-adds. A "no" is
 * asked again next time, as the flag may have been set since.
 */
export function relaxedSimd(): boolean {
  relaxed ||= WebAssembly.validate(decode(PLAIN_MEMORY_RELAXED_WASM) as BufferSource);
  return relaxed;
}

/** The memory of a wasm backend's Emscripten module, or null when it cannot be found. */
export function wasmMemory(backend: unknown): WebAssembly.Memory | null {
  const module = (backend as { wasm?: EmscriptenModule }).wasm;
  return module?.wasmMemory ?? module?.asm?.memory ?? null;
}

const memories = new WeakMap<SimdKernels, WebAssembly.Memory>();

/** The memory a kernels instance runs on. */
export function memoryOf(k: SimdKernels): WebAssembly.Memory {
  return memories.get(k)!;
}

function instantiate(memory: WebAssembly.Memory): { kernels: SimdKernels; module: WebAssembly.Module } | null {
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = relaxedSimd() ? (shared ? SHARED_MEMORY_RELAXED_WASM : PLAIN_MEMORY_RELAXED_WASM) : shared ? SHARED_MEMORY_WASM : PLAIN_MEMORY_WASM;
    // Synchronous: kernels run synchronously. The module is ~13 KB, and runs in workers and Node,
    // where synchronous compilation has no size limit.
    const module = new WebAssembly.Module(decode(bytes) as BufferSource);
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    memories.set(kernels, memory);
    return { kernels, module };
  } catch {
    return null;
  }
}

/** The kernels and their compiled module on this wasm backend's memory, or null where they cannot run (no SIMD, no memory found). */
export function simdInstance(backend: unknown): { kernels: SimdKernels; module: WebAssembly.Module } | null {
  const memory = wasmMemory(backend);
  if (!memory) return null;
  if (!byMemory.has(memory)) byMemory.set(memory, instantiate(memory));
  return byMemory.get(memory)!;
}

/** The kernels on this wasm backend's memory, or null where they cannot run (no SIMD, no memory found). */
export function simdKernels(backend: unknown): SimdKernels | null {
  return simdInstance(backend)?.kernels ?? null;
}

/** Byte offset of a tensor in the wasm heap. */
export function heapOffset(backend: unknown, dataId: object): number {
  return (backend as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(dataId).memoryOffset;
}
