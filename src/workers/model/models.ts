import {
  BertConfigError,
  HubError,
  WeightsLoadError,
  checkWeightsFit,
  hfFolderFiles,
  initBertParams,
  loadHubModel,
  loadModelFiles,
  modelFiles,
  zipModelFiles,
  type HubCache,
  type ModelFiles,
} from '../../core/model/index.js';
import { parseVocabText } from '../../core/tokenizer/index.js';
import type { Handlers, HandlerContext } from '../protocol.js';
import { StudioError } from '../protocol.js';
import type { ModelApi, ModelSource } from '../model-api.js';
import { vocabSourceText } from '../vocab-source.js';
import { backendInfo, setBackend } from './backend.js';
import { calibrateBackends } from './calibrate.js';
import { refuseWhileRunning } from './train.js';
import { modelJob, refuseDuringModelJob } from './jobs.js';
import { deleteModel, getModelInfo, listModels, readParams, releaseAll, saveModel, store } from './registry.js';

const decoder = new TextDecoder();

/** Hub files kept in Cache Storage, so a model downloaded once loads again offline. */
const cacheStorage: HubCache = {
  async get(url) {
    if (typeof caches === 'undefined') return undefined;
    const hit = await (await caches.open('bert-studio-hub')).match(url);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  },
  async put(url, bytes) {
    if (typeof caches === 'undefined') return;
    await (await caches.open('bert-studio-hub')).put(url, new Response(bytes.slice().buffer as ArrayBuffer));
  },
};

function lowercaseOf(files: ModelFiles, name: string): boolean {
  const tc = files.get('tokenizer_config.json');
  if (tc) {
    try {
      const v = (JSON.parse(decoder.decode(tc)) as { do_lower_case?: unknown }).do_lower_case;
      if (typeof v === 'boolean') return v;
    } catch {
      // fall through to the name
    }
  }
  return !/(^|[^n])cased/i.test(name);
}

function loadError(err: unknown, what: string): never {
  if (err instanceof StudioError) throw err;
  if (err instanceof HubError) throw new StudioError('unavailable', `${what}: ${err.message}`);
  if (err instanceof WeightsLoadError || err instanceof BertConfigError) throw new StudioError('invalid-input', `${what}: ${err.message}`);
  if (err instanceof DOMException && err.name === 'AbortError') throw new StudioError('cancelled', 'Cancelled.');
  if (err instanceof TypeError && /fetch/i.test(err.message))
    throw new StudioError('unavailable', `${what}: the Hugging Face Hub cannot be reached (${err.message}). Models downloaded before still load offline; so do model folders from disk, and a random initialisation with the shipped demo vocabulary.`);
  throw new StudioError('invalid-input', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Loads a folder's files (config, weights, tokenizer) and stores the model. */
export function saveFolder(map: ModelFiles, label: string, source: ModelSource) {
  let loaded;
  try {
    loaded = loadModelFiles(map);
  } catch (err) {
    loadError(err, `Could not load ${label}`);
  }
  const vocab = map.get('vocab.txt');
  return saveModel(
    { label, source, config: loaded.config, vocab: vocab ? decoder.decode(vocab) : null, lowercase: lowercaseOf(map, label), report: loaded.report },
    loaded.params,
  );
}

function progressOf(ctx: HandlerContext) {
  return (p: { file: string; loaded: number; total: number | null; fromCache: boolean }) =>
    ctx.progress(p.loaded, p.total ?? 0, `${p.file}${p.fromCache ? ' (from the browser cache)' : ''}`);
}

export const modelHandlers: Handlers<ModelApi> = {
  'backend-info': () => backendInfo(),

  async 'calibrate-backends'({ modelId, backends }, ctx) {
    refuseWhileRunning();
    refuseDuringModelJob('measure the backends');
    releaseAll();
    return calibrateBackends(modelId, backends, ctx);
  },

  async 'set-backend'({ backend }) {
    // A run's tensors live on the backend it started on; an evaluation's on the current one.
    refuseWhileRunning();
    refuseDuringModelJob('switch the backend');
    releaseAll();
    return setBackend(backend);
  },

  models: () => listModels(),

  async 'load-hub'({ repo, revision, baseUrl }, ctx) {
    const id = repo.trim();
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new StudioError('invalid-input', `“${repo}” is not a Hugging Face model id (like google/bert_uncased_L-2_H-128_A-2).`);
    // Offline, a file that is not cached counts as absent, so a model cached earlier loads in full;
    // if the load still fails, the message says the Hub could not be reached.
    let offline = false;
    const offlineAware: typeof fetch = async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        offline = true;
        return new Response(null, { status: 404 });
      }
    };
    let loaded;
    try {
      loaded = await loadHubModel({ id, revision: revision || 'main', baseUrl }, { cache: cacheStorage, signal: ctx.signal, onProgress: progressOf(ctx), fetch: offlineAware });
    } catch (err) {
      if (offline && !ctx.signal.aborted)
        throw new StudioError('unavailable', `Could not load ${id}: the Hugging Face Hub cannot be reached and this model is not in the browser cache. Models downloaded before still load offline; so do model folders from disk, and a random initialisation with the shipped demo vocabulary.`);
      loadError(err, `Could not load ${id}`);
    }
    const vocab = loaded.files.get('vocab.txt');
    return saveModel(
      {
        label: id,
        source: { kind: 'hub', repo: id, revision: revision || 'main' },
        config: loaded.config,
        vocab: vocab ? decoder.decode(vocab) : null,
        lowercase: lowercaseOf(loaded.files, id),
        report: loaded.report,
      },
      loaded.params,
    );
  },

  async 'load-files'({ files, label }) {
    const map: ModelFiles = new Map();
    for (const f of files) {
      const base = f.name.split('/').pop()!;
      // A vocabulary picked by hand is often named after its model (bert-base-uncased-vocab.txt).
      const name = /vocab.*\.txt$/i.test(base) ? 'vocab.txt' : base;
      map.set(name, new Uint8Array(await f.file.arrayBuffer()));
    }
    return saveFolder(map, label, { kind: 'files', names: [...map.keys()] });
  },

  async 'load-folder-url'({ baseUrl, label }, ctx) {
    const map: ModelFiles = new Map();
    const names = ['config.json', 'model.safetensors', 'pytorch_model.bin', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
    for (const [i, name] of names.entries()) {
      ctx.checkCancelled();
      // Only one weights file is needed: the safetensors one when present.
      if (name === 'pytorch_model.bin' && map.has('model.safetensors')) continue;
      const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/${name}`, { signal: ctx.signal });
      if (res.ok) map.set(name, new Uint8Array(await res.arrayBuffer()));
      ctx.progress(i + 1, names.length, name);
    }
    return saveFolder(map, label, { kind: 'asset', url: baseUrl });
  },

  async 'init-random'({ config, preset, seed, vocab, lowercase, label }) {
    const text = await vocabSourceText(vocab);
    const size = parseVocabText(text).size;
    const sized = { ...config, vocab_size: size };
    let params;
    try {
      checkWeightsFit(sized);
      params = initBertParams(sized, seed);
    } catch (err) {
      loadError(err, 'Could not initialise the model');
    }
    return saveModel({ label, source: { kind: 'random', preset, seed, vocab: vocab.label }, config: sized, vocab: text, lowercase, report: null }, params);
  },

  async 'rename-model'({ id, label }) {
    const info = await getModelInfo(id);
    if (!label.trim()) throw new StudioError('invalid-input', 'A model name cannot be empty.');
    const next = { ...info, label: label.trim() };
    await (await store()).putRecord(next as unknown as Parameters<Awaited<ReturnType<typeof store>>['putRecord']>[0]);
    return next;
  },

  // Queued behind an evaluation or answer, which may be using this model's tensors.
  'delete-model': ({ id }, ctx) => modelJob('deleting a model', ctx, async () => {
    await deleteModel(id);
    return null;
  }),

  async 'export-model'({ id }) {
    const info = await getModelInfo(id);
    const params = await readParams(id);
    const files = info.vocab
      ? hfFolderFiles(info.config, params, { vocab: info.vocab, doLowerCase: info.lowercase })
      : modelFiles(info.config, params);
    const folder = info.label.replace(/[^\w.-]+/g, '_');
    return { zip: zipModelFiles(files, folder), fileName: `${folder}.zip` };
  },
};
