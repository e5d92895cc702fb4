import { type LoadedModel, type ModelFiles, loadModelFiles } from './hf-folder.js';

export const HUB_BASE_URL = 'https://huggingface.co';

export interface HubPreset {
  id: string;
  label: string;
  layers: number;
  hidden: number;
  heads: number;
  uncased: boolean;
}

function compact(layers: number, hidden: number, heads: number, label: string): HubPreset {
  return { id: `google/bert_uncased_L-${layers}_H-${hidden}_A-${heads}`, label, layers, hidden, heads, uncased: true };
}

/** Checkpoints the studio offers by name: Google's compact BERTs and the two BERT-base models. */
export const HUB_PRESETS: readonly HubPreset[] = [
  compact(2, 128, 2, 'BERT-Tiny'),
  compact(4, 256, 4, 'BERT-Mini'),
  compact(4, 512, 8, 'BERT-Small'),
  compact(8, 512, 8, 'BERT-Medium'),
  compact(2, 256, 4, 'L-2 H-256'),
  compact(4, 128, 2, 'L-4 H-128'),
  compact(8, 128, 2, 'L-8 H-128'),
  compact(8, 256, 4, 'L-8 H-256'),
  compact(2, 512, 8, 'L-2 H-512'),
  { id: 'bert-base-uncased', label: 'BERT-Base uncased', layers: 12, hidden: 768, heads: 12, uncased: true },
  { id: 'bert-base-cased', label: 'BERT-Base cased', layers: 12, hidden: 768, heads: 12, uncased: false },
];

export interface HubLocation {
  /** Repo id, e.g. "google/bert_uncased_L-2_H-128_A-2". */
  id: string;
  revision?: string;
  /** Another host serving the same paths (a mirror, or a local server in tests). */
  baseUrl?: string;
}

export function hubFileUrl(location: HubLocation, file: string): string {
  const base = (location.baseUrl ?? HUB_BASE_URL).replace(/\/+$/, '');
  const id = location.id.split('/').map(encodeURIComponent).join('/');
  const revision = encodeURIComponent(location.revision ?? 'main');
  return `${base}/${id}/resolve/${revision}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** Where downloaded files are kept between sessions; the browser passes one over Cache Storage. */
export interface HubCache {
  get(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array): Promise<void>;
}

export interface DownloadProgress {
  file: string;
  loaded: number;
  /** From Content-Length; null when the server does not say. */
  total: number | null;
  fromCache: boolean;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  cache?: HubCache;
  fetch?: typeof fetch;
}

export class HubError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'HubError';
  }
}

/** Downloads one file, or resolves to null on 404 (so callers can try an alternative). */
export async function downloadHubFile(location: HubLocation, file: string, options: DownloadOptions = {}): Promise<Uint8Array | null> {
  const url = hubFileUrl(location, file);
  const cached = await options.cache?.get(url);
  if (cached) {
    options.onProgress?.({ file, loaded: cached.byteLength, total: cached.byteLength, fromCache: true });
    return cached;
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new HubError(`could not reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    const hint = response.status === 401 || response.status === 403 ? ' (the repository may be private or gated)' : '';
    throw new HubError(`${url}: HTTP ${response.status}${hint}`, response.status);
  }
  const header = response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.({ file, loaded, total, fromCache: false });
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      options.onProgress?.({ file, loaded, total, fromCache: false });
    }
  }
  if (total !== null && loaded !== total) throw new HubError(`${url}: received ${loaded} of ${total} bytes`);
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  await options.cache?.put(url, bytes);
  return bytes;
}

/**
 * Fetches what a QA model needs from a Hub repo: config.json, the weights (model.safetensors,
 * else pytorch_model.bin) and the tokenizer files that exist (vocab.txt, tokenizer_config.json).
 */
export async function downloadHubModel(location: HubLocation, options: DownloadOptions = {}): Promise<ModelFiles> {
  const files: ModelFiles = new Map();
  const config = await downloadHubFile(location, 'config.json', options);
  if (!config) throw new HubError(`${location.id} has no config.json at revision ${location.revision ?? 'main'}`, 404);
  files.set('config.json', config);
  for (const optional of ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']) {
    const bytes = await downloadHubFile(location, optional, options);
    if (bytes) files.set(optional, bytes);
  }
  const safetensors = await downloadHubFile(location, 'model.safetensors', options);
  if (safetensors) files.set('model.safetensors', safetensors);
  else {
    const bin = await downloadHubFile(location, 'pytorch_model.bin', options);
    if (!bin) throw new HubError(`${location.id} has neither model.safetensors nor pytorch_model.bin`, 404);
    files.set('pytorch_model.bin', bin);
  }
  return files;
}

export interface HubModel extends LoadedModel {
  files: ModelFiles;
}

/** Downloads and loads a Hub checkpoint as BertForQuestionAnswering parameters, with the load report. */
export async function loadHubModel(location: HubLocation, options: DownloadOptions & { seed?: number } = {}): Promise<HubModel> {
  const files = await downloadHubModel(location, options);
  return { files, ...loadModelFiles(files, { seed: options.seed }) };
}
