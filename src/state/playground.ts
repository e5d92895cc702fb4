import { create } from 'zustand';
import { type ColumnState, askColumns, emptyColumn, missingNote, packTexts, playgroundQuery, resolveLinked, unpackTexts } from './compare.js';
import type { PlaygroundAnswer } from '../core/eval/index.js';
import type { ModelInfo } from '../workers/model-api.js';
import { WorkerError } from '../workers/protocol.js';
import { modelWorker } from '../workers/clients.js';

export type ModelAnswer = PlaygroundAnswer & { modelLabel: string; millis: number };

/** A model's answer column; `asked` is the question and context the result answers (the inputs may have changed since). */
export type Column = ColumnState<ModelAnswer, { question: string; context: string }>;

/** Answers of the reference pipeline, spans located in the context when the text is found there. */
export interface ReferenceAnswer {
  text: string;
  probability: number;
  start: number | null;
  end: number | null;
}

export type ReferenceState =
  | { status: 'off' }
  | { status: 'loading'; label: string }
  | { status: 'ready'; answers: ReferenceAnswer[]; millis: number; asked: { question: string; context: string } }
  | { status: 'unavailable'; message: string };

/** What a link carries. Model ids are this browser's; labels let another browser find the same model by name. */
export interface SharedSetup {
  context: string;
  question: string;
  modelIds: string[];
  modelLabels: string[];
  /** Window settings, so the link reproduces the answer; absent in hand-written links. */
  maxLength?: number;
  stride?: number;
}

export function encodeShared(s: SharedSetup): string {
  const p = new URLSearchParams();
  for (const id of s.modelIds) p.append('m', id);
  for (const label of s.modelLabels) p.append('n', label);
  if (s.maxLength !== undefined) p.set('L', String(s.maxLength));
  if (s.stride !== undefined) p.set('s', String(s.stride));
  packTexts(p, { q: s.question, c: s.context });
  return `#/playground?${p.toString()}`;
}

/** The setup in a `#/playground?...` hash; null when the hash carries none (or a sentence-pair one); throws when it is damaged. */
export function decodeShared(hash: string): SharedSetup | null {
  const p = playgroundQuery(hash);
  if (!p || p.get('t') === 'mrpc') return null;
  const { q: question, c: context } = unpackTexts(p, ['q', 'c'] as const);
  if (!question && !context && !p.getAll('m').length) return null;
  const int = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : undefined);
  return { context, question, modelIds: p.getAll('m'), modelLabels: p.getAll('n'), maxLength: int(p.get('L')), stride: int(p.get('s')) };
}

/**
 * Browser-side reference QA: transformers.js, fetched only when the user asks for it, at a pinned
 * version whose files are checked against their SHA-384 (Subresource Integrity) before any of it runs.
 * The hashes are those of the npm package's files, which jsDelivr serves unchanged.
 */
export const REFERENCE_VERSION = '3.8.1';
export const REFERENCE_BASE = `https://cdn.jsdelivr.net/npm/@huggingface/transformers@${REFERENCE_VERSION}/dist/`;
export const REFERENCE_FILES = {
  module: { file: 'transformers.min.js', integrity: 'sha384-sOua6i337lNLWtuIG44PBf5JXIvhoicFClCcI4XHDe/eHW3dwhQ3Y6t6wQjfRrkT' },
  runtime: { file: 'ort-wasm-simd-threaded.jsep.mjs', integrity: 'sha384-7GJqH5vc83Yt7VHwrMXTM8bNCrt/e/8eCtok8zlB2u5dwqmhzSakzCkQWrfYGRN4' },
  wasm: { file: 'ort-wasm-simd-threaded.jsep.wasm', integrity: 'sha384-u/bDsx39c+wt0LbHmOCydxt4fyiig3118hQgOTfOvrfkgScM4hRo2IwTtlxyoI02' },
} as const;
export const REFERENCE_MODEL = 'Xenova/distilbert-base-cased-distilled-squad';

type QaPipeline = (question: string, context: string, options?: { top_k?: number }) => Promise<{ answer: string; score: number } | { answer: string; score: number }[]>;
let referencePipeline: Promise<QaPipeline> | null = null;

/** One pinned file, refused unless its bytes match the recorded hash (the browser checks `integrity`). */
async function fetchVerified(file: { file: string; integrity: string }): Promise<ArrayBuffer> {
  const url = REFERENCE_BASE + file.file;
  let res: Response;
  try {
    res = await fetch(url, { integrity: file.integrity, cache: 'force-cache' });
  } catch (err) {
    throw new Error(
      `${url} could not be fetched, or its content does not match the pinned transformers.js ${REFERENCE_VERSION} (integrity check), so it was not run: ${err instanceof Error ? err.message : String(err)}. The reference model needs internet access.`,
    );
  }
  if (!res.ok) throw new Error(`${url}: the CDN answered ${res.status}; the reference model is unavailable.`);
  return res.arrayBuffer();
}

const moduleUrl = (bytes: ArrayBuffer) => URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));

async function loadReference(onProgress: (label: string) => void): Promise<QaPipeline> {
  onProgress(`fetching transformers.js ${REFERENCE_VERSION} (checked against its pinned hash)…`);
  const [code, runtime, wasm] = await Promise.all([fetchVerified(REFERENCE_FILES.module), fetchVerified(REFERENCE_FILES.runtime), fetchVerified(REFERENCE_FILES.wasm)]);
  // Imported from the verified bytes, never from the CDN address, so what runs is what was checked.
  const mod = (await import(/* @vite-ignore */ moduleUrl(code))) as {
    env: { backends: { onnx: { wasm: { wasmPaths?: unknown; wasmBinary?: ArrayBuffer } } } };
    pipeline(task: string, model: string, options?: { progress_callback?: (p: { status?: string; file?: string; progress?: number }) => void }): Promise<QaPipeline>;
  };
  mod.env.backends.onnx.wasm.wasmPaths = { mjs: moduleUrl(runtime), wasm: REFERENCE_BASE + REFERENCE_FILES.wasm.file };
  mod.env.backends.onnx.wasm.wasmBinary = wasm;
  return mod.pipeline('question-answering', REFERENCE_MODEL, {
    progress_callback: (p) => {
      if (p.status === 'progress' && p.file) onProgress(`downloading ${p.file} ${Math.round(p.progress ?? 0)}%`);
    },
  });
}

function locate(context: string, text: string): { start: number | null; end: number | null } {
  if (!text) return { start: null, end: null };
  let at = context.indexOf(text);
  // The pipeline decodes tokens, which may change case or spacing; fall back to a case-insensitive find.
  if (at < 0) at = context.toLowerCase().indexOf(text.toLowerCase());
  return at < 0 ? { start: null, end: null } : { start: at, end: at + text.length };
}

interface PlaygroundState {
  context: string;
  question: string;
  /** Gold answers when the text came from a dataset example. */
  golds: string[] | null;
  columns: Column[];
  compare: boolean;
  maxLength: number;
  stride: number;
  topK: number;
  reference: ReferenceState;
  /** Something about the opened link the user should know (e.g. a model it names is not here). */
  linkNote: string | null;
  setText(t: Partial<{ context: string; question: string }>, golds?: string[] | null): void;
  setModel(column: number, modelId: string): void;
  setCompare(on: boolean): void;
  setSettings(s: Partial<{ maxLength: number; stride: number; topK: number }>): void;
  /** Answers with every shown model, one after the other, and writes the setup into the URL. */
  ask(models: ModelInfo[]): Promise<void>;
  askReference(): Promise<void>;
  closeReference(): void;
  /** Reads a shared setup from the URL; returns whether there was one with a question to answer. */
  openLink(hash: string, models: ModelInfo[]): boolean;
}

/** The most alternatives the Playground lists (the top-k field's maximum). */
export const MAX_TOP_K = 20;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const usePlayground = create<PlaygroundState>((set, get) => ({
  context: '',
  question: '',
  golds: null,
  columns: [emptyColumn(null), emptyColumn(null)],
  compare: false,
  maxLength: 384,
  stride: 128,
  topK: 5,
  reference: { status: 'off' },
  linkNote: null,

  setText(t, golds) {
    set({ ...t, ...(golds !== undefined ? { golds } : t.context !== undefined ? { golds: null } : {}) });
  },

  setModel(column, modelId) {
    const columns = get().columns.slice();
    columns[column] = emptyColumn(modelId);
    set({ columns });
  },

  setCompare: (compare) => set({ compare }),
  // The list shows at most MAX_TOP_K alternatives, as the field says; a larger number is brought back to it.
  setSettings: (s) => set(s.topK === undefined ? s : { ...s, topK: Math.min(MAX_TOP_K, Math.max(1, Math.trunc(s.topK) || 1)) }),

  async ask(models) {
    const { context, question, maxLength, stride, topK, compare } = get();
    const shown = get().columns.slice(0, compare ? 2 : 1);
    const ids = shown.map((c) => c.modelId ?? models[models.length - 1]?.id ?? null);
    if (ids.some((id) => !id)) return;
    history.replaceState(
      null,
      '',
      encodeShared({ context, question, modelIds: ids as string[], modelLabels: ids.map((id) => models.find((m) => m.id === id)?.label ?? ''), maxLength, stride }),
    );
    await askColumns(
      () => get().columns,
      (columns) => set({ columns }),
      ids as string[],
      { question, context },
      (modelId) => modelWorker().call('answer', { modelId, context, question, maxLength, stride, topK }),
      (err) => (err instanceof WorkerError && err.cancelled ? 'Cancelled.' : message(err)),
    );
    if (get().reference.status === 'ready') await get().askReference();
  },

  async askReference() {
    const { context, question, topK } = get();
    set({ reference: { status: 'loading', label: referencePipeline ? 'answering…' : `loading transformers.js and ${REFERENCE_MODEL}…` } });
    const t0 = performance.now();
    try {
      referencePipeline ??= loadReference((label) => set({ reference: { status: 'loading', label } }));
      const qa = await referencePipeline;
      const out = await qa(question, context, { top_k: topK });
      const list = Array.isArray(out) ? out : [out];
      set({
        reference: {
          status: 'ready',
          answers: list.map((a) => ({ text: a.answer, probability: a.score, ...locate(context, a.answer) })),
          millis: Math.round(performance.now() - t0),
          asked: { question, context },
        },
      });
    } catch (err) {
      // A failed load is not cached: the next click tries again (e.g. once back online).
      referencePipeline = null;
      set({
        reference: {
          status: 'unavailable',
          message: `The reference model is unavailable: loading transformers.js ${REFERENCE_VERSION} failed (${message(err)}). It needs an internet connection to jsDelivr and the Hugging Face Hub.`,
        },
      });
    }
  },

  closeReference: () => set({ reference: { status: 'off' } }),

  openLink(hash, models) {
    let shared: SharedSetup | null;
    try {
      shared = decodeShared(hash);
    } catch {
      set({ linkNote: 'This link’s question and context could not be read (the link is damaged).' });
      return false;
    }
    if (!shared) return false;
    const { ids, missing } = resolveLinked(shared.modelIds, shared.modelLabels, models);
    const columns: Column[] = [emptyColumn(ids[0] ?? get().columns[0].modelId), emptyColumn(ids[1] ?? get().columns[1].modelId)];
    set({
      context: shared.context,
      question: shared.question,
      golds: null,
      columns,
      compare: ids.length > 1,
      maxLength: shared.maxLength ?? get().maxLength,
      stride: shared.stride ?? get().stride,
      linkNote: missingNote(missing, 'model'),
    });
    return shared.question.trim().length > 0;
  },
}));
