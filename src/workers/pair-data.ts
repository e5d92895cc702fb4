// The data worker's sentence-pair requests: strict decoding with progress, the MRPC task's own parser,
// and the pair datasets in IndexedDB.
import { StudioError, type HandlerContext } from './protocol.js';
import type { StagedPairImport } from './data-api.js';
import { StrictTextDecoder, TextDecodeError, label as encodingLabel, type TextEncodingName } from '../core/util/text-decode.js';
import { parsePairs } from '../core/tasks/mrpc/parse.js';
import type { PairExample, PairParseReport } from '../core/tasks/mrpc/types.js';
import { buildPairDataset, deletePairDataset, listPairDatasets, putPairDataset, readPairs, PAIR_DATASET_KIND, type PairDatasetInfo } from '../core/storage/pairs.js';
import { splitPairs } from '../core/storage/pair-split.js';
import { splitHalfLabel, type DatasetSource } from '../core/storage/types.js';
import type { IdbDatasetStore, KeyedRecord } from '../core/storage/idb.js';

interface StagedPairs {
  examples: PairExample[];
  report: PairParseReport;
  fileName: string;
  source: DatasetSource;
}

const staging = new Map<string, StagedPairs>();

async function decodeFile(file: File, ctx: HandlerContext, encoding: TextEncodingName | undefined): Promise<{ text: string; bytes: number; encoding: TextEncodingName | null }> {
  const decoder = new StrictTextDecoder(encoding);
  const reader = file.stream().getReader();
  const parts: string[] = [];
  let bytes = 0;
  try {
    for (;;) {
      ctx.checkCancelled();
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      parts.push(decoder.push(value));
      ctx.progress(bytes, file.size, `reading${decoder.encoding ? ` (${encodingLabel(decoder.encoding)})` : ''}`);
    }
    parts.push(decoder.end());
  } finally {
    reader.releaseLock();
  }
  return { text: parts.join(''), bytes, encoding: decoder.encoding };
}

function pairFileStem(name: string): string {
  return name.replace(/\.(tsv|txt|csv|jsonl|json)$/i, '');
}

export function pairHandlers(store: () => Promise<IdbDatasetStore>, newId: () => string) {
  const requirePairs = async (id: string): Promise<PairDatasetInfo> => {
    const info = await (await store()).getRecord<PairDatasetInfo & KeyedRecord>(PAIR_DATASET_KIND, id);
    if (!info) throw new StudioError('not-found', `No sentence-pair dataset with id ${id}: it may have been deleted in another tab.`);
    return info;
  };
  return {
    async 'pairs-parse'({ file, encoding, source }: { file: File; encoding?: TextEncodingName; source?: DatasetSource }, ctx: HandlerContext): Promise<StagedPairImport> {
      const stagingId = newId();
      const base = { stagingId, suggestedName: pairFileStem(file.name), sourceLabel: file.name };
      let decoded;
      try {
        decoded = await decodeFile(file, ctx, encoding);
      } catch (err) {
        if (!(err instanceof TextDecodeError)) throw err;
        // Nothing is parsed from bytes that cannot be read: the report says where and why.
        const report: PairParseReport = {
          format: 'glue-tsv', rows: 0, valid: 0, positives: 0, negatives: 0, unlabelled: true, errors: 1, issueCounts: {}, issues: [],
          fatal: { message: `${file.name} is ${err.message}` },
        };
        return { ...base, report, bytesRead: err.offset, encoding: err.encoding, decodeError: { encoding: err.encoding, offset: err.offset } };
      }
      ctx.progress(decoded.bytes, file.size, 'validating pairs');
      const { examples, report } = parsePairs(decoded.text);
      if (!report.fatal) staging.set(stagingId, { examples, report, fileName: file.name, source: source ?? { kind: 'file', detail: file.name } });
      return { ...base, report, bytesRead: decoded.bytes, encoding: decoded.encoding };
    },

    async 'pairs-commit'({ stagingId, name }: { stagingId: string; name: string }, ctx: HandlerContext): Promise<PairDatasetInfo> {
      const staged = staging.get(stagingId);
      if (!staged) throw new StudioError('not-found', 'This import is no longer pending; import the file again.');
      if (staged.examples.length === 0) throw new StudioError('invalid-input', `“${staged.fileName}” has no valid pairs: nothing to store.`);
      const { info, shards } = buildPairDataset(staged.examples, {
        id: newId(),
        name: name.trim() || pairFileStem(staged.fileName),
        source: staged.source,
        format: staged.report.format,
        rows: staged.report.rows,
      });
      ctx.progress(0, 1, 'writing pairs');
      await putPairDataset(await store(), info, shards, ctx.signal);
      staging.delete(stagingId);
      return info;
    },

    async 'pairs-discard'({ stagingId }: { stagingId: string }): Promise<null> {
      staging.delete(stagingId);
      return null;
    },

    async 'pairs-list'(): Promise<PairDatasetInfo[]> {
      return listPairDatasets(await store());
    },

    async 'pairs-rows'({ id }: { id: string }, ctx: HandlerContext): Promise<PairExample[]> {
      return readPairs(await store(), await requirePairs(id), ctx.signal);
    },

    async 'pairs-rename'({ id, name }: { id: string; name: string }): Promise<PairDatasetInfo> {
      const trimmed = name.trim();
      if (!trimmed) throw new StudioError('invalid-input', 'A dataset name cannot be empty.');
      const next = { ...(await requirePairs(id)), name: trimmed };
      await (await store()).putRecords([next as unknown as KeyedRecord]);
      return next;
    },

    async 'pairs-split'({ id, evalFraction, seed }: { id: string; evalFraction: number; seed: number }, ctx: HandlerContext): Promise<PairDatasetInfo[]> {
      const info = await requirePairs(id);
      const examples = await readPairs(await store(), info, ctx.signal);
      let parts;
      try {
        parts = splitPairs(examples, evalFraction, seed);
      } catch (err) {
        throw new StudioError('invalid-input', err instanceof Error ? err.message : String(err));
      }
      const built = (['train', 'eval'] as const).map((suffix) =>
        buildPairDataset(parts[suffix], {
          id: newId(),
          ...splitHalfLabel(info.name, suffix, evalFraction, seed),
          format: info.format,
          rows: parts[suffix].length,
        }),
      );
      // Both halves in one transaction: a failed split stores neither.
      await (await store()).putRecords(built.flatMap((b) => [...(b.shards as unknown as KeyedRecord[]), b.info as unknown as KeyedRecord]), ctx.signal);
      return built.map((b) => b.info);
    },

    async 'pairs-delete'({ id }: { id: string }): Promise<null> {
      await deletePairDataset(await store(), id);
      return null;
    },
  };
}
