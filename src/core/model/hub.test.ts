import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_DEFAULTS, type BertConfig } from './config.js';
import { hfFolderFiles } from './hf-folder.js';
import { type DownloadProgress, HUB_PRESETS, type HubCache, HubError, downloadHubModel, hubFileUrl, loadHubModel } from './hub.js';
import { initBertParams } from './params.js';
import { torchCheckpoint } from './torch-pickle.test-util.js';

const CONFIG: BertConfig = { ...BERT_DEFAULTS, vocab_size: 40, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 20 };
const PARAMS = initBertParams(CONFIG, 4);
const FILES = hfFolderFiles(CONFIG, PARAMS, { vocab: '[PAD]\n[UNK]', doLowerCase: true });

/** Serves repos at the Hub's own URL layout: /{owner}/{name}/resolve/{revision}/{file}. */
const repos: Record<string, Map<string, Uint8Array>> = {
  'studio/full': FILES,
  // An encoder with only model.safetensors missing, to exercise the fallback.
  'studio/no-weights': new Map([['config.json', FILES.get('config.json')!]]),
  'studio/bin-only': new Map([
    ['config.json', FILES.get('config.json')!],
    ['pytorch_model.bin', torchCheckpoint(PARAMS)],
  ]),
};
const hits: string[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
    if (m && m[1] === 'studio/broken') {
      res.writeHead(500).end('boom');
      return;
    }
    const body = m && m[2] === 'main' ? repos[m[1]]?.get(m[3]) : undefined;
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': String(body.byteLength) });
    // Two chunks, so progress reports intermediate values.
    const half = Math.floor(body.byteLength / 2);
    res.write(body.subarray(0, half));
    setTimeout(() => res.end(body.subarray(half)), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Hub source', () => {
  it('builds resolve URLs and names the real Google compact BERT repos', () => {
    expect(hubFileUrl({ id: 'google/bert_uncased_L-2_H-128_A-2' }, 'config.json')).toBe(
      'https://huggingface.co/google/bert_uncased_L-2_H-128_A-2/resolve/main/config.json',
    );
    expect(hubFileUrl({ id: 'bert-base-uncased', revision: 'v1.0', baseUrl: 'http://x/' }, 'vocab.txt')).toBe('http://x/bert-base-uncased/resolve/v1.0/vocab.txt');
    const ids = HUB_PRESETS.map((p) => p.id);
    for (const l of [2, 4, 8]) for (const [h, a] of [[128, 2], [256, 4], [512, 8]]) expect(ids).toContain(`google/bert_uncased_L-${l}_H-${h}_A-${a}`);
    expect(ids).toContain('bert-base-uncased');
    expect(ids).toContain('bert-base-cased');
  });

  it('downloads and loads a model the project saved, reporting progress, preferring model.safetensors', async () => {
    const progress: DownloadProgress[] = [];
    hits.length = 0;
    const model = await loadHubModel({ id: 'studio/full', baseUrl }, { onProgress: (p) => progress.push(p) });
    expect(model.weightsFile).toBe('model.safetensors');
    expect(hits.some((h) => h.endsWith('pytorch_model.bin'))).toBe(false);
    expect(model.report.loaded.length).toBe(PARAMS.size);
    for (const [name, t] of PARAMS) expect(model.params.get(name)!.data).toEqual(t.data);
    const st = progress.filter((p) => p.file === 'model.safetensors');
    const size = FILES.get('model.safetensors')!.byteLength;
    expect(st[0]).toMatchObject({ loaded: 0, total: size });
    expect(st.at(-1)).toMatchObject({ loaded: size, total: size, fromCache: false });
    expect(st.length).toBeGreaterThanOrEqual(3);
  });

  it('falls back to pytorch_model.bin and says clearly when neither exists', async () => {
    const fromBin = await loadHubModel({ id: 'studio/bin-only', baseUrl });
    expect(fromBin.weightsFile).toBe('pytorch_model.bin');
    for (const [name, t] of PARAMS) expect(fromBin.params.get(name)!.data).toEqual(t.data);
    hits.length = 0;
    await expect(downloadHubModel({ id: 'studio/no-weights', baseUrl })).rejects.toThrow(/neither model\.safetensors nor pytorch_model\.bin/);
    expect(hits.map((h) => h.split('/').at(-1))).toEqual(expect.arrayContaining(['model.safetensors', 'pytorch_model.bin']));
    await expect(downloadHubModel({ id: 'studio/missing', baseUrl })).rejects.toThrow(/no config\.json/);
    await expect(downloadHubModel({ id: 'studio/broken', baseUrl })).rejects.toThrow(HubError);
  });

  it('serves repeated downloads from a pluggable cache', async () => {
    const store = new Map<string, Uint8Array>();
    const cache: HubCache = { get: async (url) => store.get(url), put: async (url, bytes) => void store.set(url, bytes) };
    await downloadHubModel({ id: 'studio/full', baseUrl }, { cache });
    hits.length = 0;
    const progress: DownloadProgress[] = [];
    const files = await downloadHubModel({ id: 'studio/full', baseUrl }, { cache, onProgress: (p) => progress.push(p) });
    expect(hits).toEqual([]);
    expect(progress.every((p) => p.fromCache)).toBe(true);
    expect(files.get('model.safetensors')).toEqual(FILES.get('model.safetensors'));
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(downloadHubModel({ id: 'studio/full', baseUrl }, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
