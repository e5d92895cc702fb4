/// <reference lib="webworker" />
import { serve, StudioError, type HandlerContext } from './protocol.js';
import type { DataApi, ImportSource, StagedImport } from './data-api.js';
import { pairHandlers } from './pair-data.js';
import type { SquadArticle, ValidationReport } from '../core/squad/types.js';
import { SquadParser } from '../core/squad/parse.js';
import { StrictTextDecoder, TextDecodeError, label as encodingLabel, type TextEncodingName } from '../core/util/text-decode.js';
import { DEMO_DATASET } from '../core/squad/demo.js';
import {
  IdbDatasetStore,
  articlesFromShards,
  buildDataset,
  locateParagraph,
  splitByArticle,
  splitHalfLabel,
  type DatasetInfo,
  type DatasetSource,
  type QuestionRow,
  type Shard,
} from '../core/storage/index.js';

interface Staged {
  articles: SquadArticle[];
  report: ValidationReport;
  source: DatasetSource;
  isDemo: boolean;
}

const staging = new Map<string, Staged>();
let storePromise: Promise<IdbDatasetStore> | null = null;
const store = () => (storePromise ??= IdbDatasetStore.open());

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Reads a byte stream as text in chunks, feeding the streaming validator and reporting bytes read. */
async function parseStream(
  stream: ReadableStream<Uint8Array>,
  totalBytes: number,
  ctx: HandlerContext,
  encoding: TextEncodingName | undefined,
  label: string,
): Promise<{ articles: SquadArticle[]; report: ValidationReport; bytes: number; encoding: TextEncodingName | null; decodeError?: TextDecodeError }> {
  const articles: SquadArticle[] = [];
  const validator = new SquadParser({ onArticle: (a) => articles.push(a) });
  const decoder = new StrictTextDecoder(encoding);
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (;;) {
      ctx.checkCancelled();
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      validator.push(decoder.push(value));
      ctx.progress(bytes, totalBytes, `parsing and validating${decoder.encoding ? ` (${encodingLabel(decoder.encoding)})` : ''}`);
    }
    validator.push(decoder.end());
  } catch (err) {
    if (!(err instanceof TextDecodeError)) throw err;
    // Nothing is parsed from bytes that cannot be read: the report says where and why.
    const report = validator.end();
    report.fatal = { message: `${label} is ${err.message}`, byteOffset: err.offset };
    return { articles: [], report, bytes, encoding: err.encoding, decodeError: err };
  } finally {
    reader.releaseLock();
  }
  return { articles, report: validator.end(), bytes, encoding: decoder.encoding };
}

async function openSource(source: ImportSource, signal: AbortSignal): Promise<{ stream: ReadableStream<Uint8Array>; total: number; label: string; name: string; src: DatasetSource }> {
  if (source.kind === 'file') {
    return {
      stream: source.file.stream(),
      total: source.file.size,
      label: source.file.name,
      name: source.file.name.replace(/\.json$/i, ''),
      src: { kind: 'file', detail: source.file.name },
    };
  }
  if (source.kind === 'url') {
    // Only the local assets are addressed by path; anything typed must be a full web address, or fetch
    // would resolve it against the studio's own page.
    if (!source.asset && !/^https?:$/.test(safeUrl(source.url)?.protocol ?? ''))
      throw new StudioError('invalid-input', `“${source.url}” is not a web address: enter a full URL starting with https:// (or http://).`);
    let res: Response;
    try {
      res = await fetch(source.url, { signal });
    } catch (err) {
      if (signal.aborted) throw new StudioError('cancelled', 'Cancelled.');
      const host = new URL(source.url, self.location.href).host;
      throw new StudioError(
        'unavailable',
        `Could not download ${source.url}: ${host} cannot be reached (${err instanceof Error ? err.message : String(err)}). ` +
          'Check your internet connection, or download the file yourself and import it from disk; offline, the built-in demo dataset and local files work.',
      );
    }
    if (!res.ok || !res.body) throw new StudioError('unavailable', `Could not download ${source.url}: the server answered ${res.status} ${res.statusText}.`);
    if (/^text\/html/i.test(res.headers.get('content-type') ?? ''))
      throw new StudioError('invalid-input', `${source.url} is a web page, not a SQuAD JSON file: use the address of the .json file itself.`);
    const file = decodeURIComponent(new URL(res.url || source.url, self.location.href).pathname.split('/').pop() ?? 'dataset');
    return {
      stream: res.body,
      total: Number(res.headers.get('content-length') ?? 0),
      label: source.label,
      name: file.replace(/\.json$/i, ''),
      src: { kind: source.preset ? 'preset' : source.asset ? 'asset' : 'url', detail: source.url },
    };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(DEMO_DATASET));
  return {
    stream: new Blob([bytes]).stream(),
    total: bytes.byteLength,
    label: 'Demo dataset',
    name: 'BERT Studio demo',
    src: { kind: 'demo', detail: 'built into the studio' },
  };
}

async function readAllShards(info: DatasetInfo, ctx?: HandlerContext): Promise<Shard[]> {
  const s = await store();
  const shards: Shard[] = [];
  for (let i = 0; i < info.shardCount; i++) {
    ctx?.checkCancelled();
    shards.push(await s.readShard(info.id, i));
  }
  return shards;
}

async function requireDataset(id: string): Promise<DatasetInfo> {
  const info = await (await store()).getDataset(id);
  if (!info) throw new StudioError('not-found', `No dataset with id ${id}: it may have been deleted in another tab.`);
  return info;
}

function matches(query: string, id: string, question: string): boolean {
  return id.toLowerCase().includes(query) || question.toLowerCase().includes(query);
}

serve<DataApi>(self, {
  ...pairHandlers(store, newId),

  async 'import-parse'({ source, encoding }, ctx) {
    const opened = await openSource(source, ctx.signal);
    const { articles, report, bytes, encoding: used, decodeError } = await parseStream(opened.stream, opened.total, ctx, encoding, opened.label);
    const stagingId = newId();
    staging.set(stagingId, { articles, report, source: opened.src, isDemo: source.kind === 'demo' });
    const staged: StagedImport = {
      stagingId,
      report,
      suggestedName: opened.name,
      sourceLabel: opened.label,
      bytesRead: bytes,
      encoding: used,
      ...(decodeError ? { decodeError: { encoding: decodeError.encoding, offset: decodeError.offset } } : {}),
    };
    return staged;
  },

  async 'import-commit'({ stagingId, name }, ctx) {
    const staged = staging.get(stagingId);
    if (!staged) throw new StudioError('not-found', 'This import is no longer pending; import the file again.');
    const id = newId();
    const { info, shards } = buildDataset(staged.articles, {
      id,
      name: name.trim() || 'Untitled dataset',
      source: staged.source,
      version: staged.report.version,
      isDemo: staged.isDemo,
    });
    ctx.progress(0, 1, 'writing shards');
    await (await store()).putDataset(info, shards, ctx.signal);
    staging.delete(stagingId);
    return info;
  },

  async 'import-discard'({ stagingId }) {
    staging.delete(stagingId);
    return null;
  },

  async list() {
    return (await store()).listDatasets();
  },

  async rename({ id, name }) {
    if (!name.trim()) throw new StudioError('invalid-input', 'A dataset name cannot be empty.');
    return (await store()).renameDataset(id, name);
  },

  async delete({ id }) {
    await (await store()).deleteDataset(id);
    return null;
  },

  async questions({ id, query, article }, ctx) {
    const info = await requireDataset(id);
    const q = query?.trim().toLowerCase();
    const rows: QuestionRow[] = [];
    const s = await store();
    for (let i = 0; i < info.shardCount; i++) {
      ctx.checkCancelled();
      const shard = await s.readShard(id, i);
      for (const p of shard.paragraphs) {
        if (article !== undefined && p.article !== article) continue;
        for (const qa of p.qas) {
          if (q && !matches(q, qa.id, qa.question)) continue;
          rows.push({ id: qa.id, question: qa.question, article: p.article, paragraph: p.paragraph, answers: qa.answers.length, isImpossible: !!qa.is_impossible });
        }
      }
    }
    return rows;
  },

  async paragraph({ id, article, paragraph }) {
    const info = await requireDataset(id);
    const loc = locateParagraph(info, article, paragraph);
    const shard = await (await store()).readShard(id, loc.shard);
    return shard.paragraphs[loc.offset];
  },

  async split({ id, evalFraction, seed }, ctx) {
    const info = await requireDataset(id);
    const articles = articlesFromShards(info, await readAllShards(info, ctx));
    let parts;
    try {
      parts = splitByArticle(articles, evalFraction, seed);
    } catch (err) {
      throw new StudioError('invalid-input', err instanceof Error ? err.message : String(err));
    }
    const built = (['train', 'eval'] as const).map((suffix) =>
      buildDataset(parts[suffix], {
        id: newId(),
        ...splitHalfLabel(info.name, suffix, evalFraction, seed),
        version: info.version,
        isDemo: info.isDemo,
      }),
    );
    await (await store()).putDatasets(built, ctx.signal);
    return built.map((b) => b.info);
  },
});

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
