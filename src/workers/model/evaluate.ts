import { answerQuestion, evaluateModel, predictDataset, questionType } from '../../core/eval/index.js';
import type { DatasetInfo } from '../../core/storage/index.js';
import type { SquadArticle, SquadFile } from '../../core/squad/types.js';
import type { EvalApi, EvalRow, EvalRun, EvalRunInfo } from '../eval-api.js';
import type { HandlerContext, Handlers } from '../protocol.js';
import { StudioError } from '../protocol.js';
import { backendInfo } from './backend.js';
import { modelJob } from './jobs.js';
import { newModelId, store, tokenizerFor, useModel } from './registry.js';

type StoredRecord = Parameters<Awaited<ReturnType<typeof store>>['putRecord']>[0];

async function requireDataset(id: string): Promise<DatasetInfo> {
  const info = await (await store()).getDataset(id);
  if (!info) throw new StudioError('not-found', `No dataset with id ${id}: it may have been deleted.`);
  return info;
}

/** The stored shards as one SQuAD file (articles rebuilt from the paragraphs' article indices). */
async function readSquad(dataset: DatasetInfo, ctx: HandlerContext): Promise<SquadFile> {
  const s = await store();
  const articles: SquadArticle[] = dataset.titles.map((title) => ({ title, paragraphs: [] }));
  for (let i = 0; i < dataset.shardCount; i++) {
    ctx.checkCancelled();
    for (const p of (await s.readShard(dataset.id, i)).paragraphs) articles[p.article].paragraphs.push({ context: p.context, qas: p.qas });
    ctx.progress(i + 1, dataset.shardCount, 'reading the dataset');
  }
  return { version: dataset.version, data: articles.filter((a) => a.paragraphs.length > 0) };
}

/** Messages from featurization (bad settings, wrong vocabulary) become values the panel shows as they are. */
function asStudioError(err: unknown, ctx: HandlerContext, what: string): never {
  if (ctx.signal.aborted) throw new StudioError('cancelled', 'Cancelled.');
  if (err instanceof StudioError) throw err;
  if (err instanceof DOMException && err.name === 'AbortError') throw new StudioError('cancelled', 'Cancelled.');
  throw new StudioError('invalid-input', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

const rowsId = (id: string) => `rows:${id}`;

async function getRun(id: string): Promise<EvalRunInfo> {
  const info = await (await store()).getRecord('eval-run', id);
  if (!info) throw new StudioError('not-found', `No evaluation run ${id}: it may have been deleted.`);
  return info as unknown as EvalRunInfo;
}

export const evalHandlers: Handlers<EvalApi> = {
  evaluate: ({ modelId, datasetId, settings }, ctx) =>
    modelJob('an evaluation', ctx, async () => {
      const dataset = await requireDataset(datasetId);
      const squad = await readSquad(dataset, ctx);
      const { info, model } = await useModel(modelId);
      const tokenizer = tokenizerFor(info);
      const t0 = performance.now();
      let report;
      try {
        report = await evaluateModel(model, tokenizer, squad, {
          ...settings,
          topK: 1,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress(done, total, `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} windows`),
        });
      } catch (err) {
        asStudioError(err, ctx, `Could not evaluate ${info.label}`);
      }
      const millis = Math.round(performance.now() - t0);
      const spans = new Map(report.prediction.examples.map((e) => [e.id, e]));
      const rows: EvalRow[] = report.perQuestion.map((q) => {
        const e = spans.get(q.id);
        return {
          id: q.id,
          question: q.question,
          type: questionType(q.question),
          golds: q.golds,
          prediction: q.prediction,
          exact: q.exact,
          f1: q.f1,
          score: Number.isFinite(q.score) ? q.score : null,
          probability: q.probability,
          start: e?.start ?? null,
          end: e?.end ?? null,
        };
      });
      const run: EvalRunInfo = {
        kind: 'eval-run',
        id: newModelId(),
        modelId,
        modelLabel: info.label,
        datasetId,
        datasetName: dataset.name,
        settings,
        metrics: {
          exact_match: report.exact_match,
          f1: report.f1,
          total: report.total,
          exactCount: rows.reduce((n, r) => n + r.exact, 0),
          overlapCount: rows.filter((r) => r.f1 > 0).length,
          byQuestionType: report.byQuestionType,
        },
        windows: report.prediction.featureCount,
        backend: (await backendInfo()).current,
        millis,
        createdAt: Date.now(),
      };
      ctx.checkCancelled();
      const s = await store();
      // Rows apart from the summary, so listing runs never reads thousands of rows.
      await s.putRecord({ kind: 'eval-rows', id: rowsId(run.id), rows } as unknown as StoredRecord);
      await s.putRecord(run as unknown as StoredRecord);
      return run;
    }),

  async 'eval-runs'() {
    const runs = (await (await store()).listRecords('eval-run')) as unknown as EvalRunInfo[];
    return runs.sort((a, b) => b.createdAt - a.createdAt);
  },

  async 'eval-run'({ id }) {
    const info = await getRun(id);
    const rows = (await (await store()).getRecord('eval-rows', rowsId(id))) as unknown as { rows: EvalRow[] } | undefined;
    return { ...info, rows: rows?.rows ?? [] } satisfies EvalRun;
  },

  async 'delete-eval-run'({ id }) {
    const s = await store();
    await s.deleteRecord('eval-rows', rowsId(id));
    await s.deleteRecord('eval-run', id);
    return null;
  },

  'example-logits': ({ runId, exampleId }, ctx) =>
    modelJob('reading logits for the inspector', ctx, async () => {
      const run = await getRun(runId);
      const dataset = await requireDataset(run.datasetId);
      const s = await store();
      let found: { context: string; question: string } | null = null;
      for (let i = 0; i < dataset.shardCount && !found; i++) {
        for (const p of (await s.readShard(dataset.id, i)).paragraphs) {
          const q = p.qas.find((x) => x.id === exampleId);
          if (q) {
            found = { context: p.context, question: q.question };
            break;
          }
        }
      }
      if (!found) throw new StudioError('not-found', `No question “${exampleId}” in ${dataset.name}.`);
      const { info, model } = await useModel(run.modelId).catch((err: unknown) => {
        throw err instanceof StudioError && err.code === 'not-found'
          ? new StudioError('not-found', `The model of this run (“${run.modelLabel}”) was deleted, so its logits cannot be drawn.`)
          : err;
      });
      const { maxLength, stride, nBest, maxAnswerLength } = run.settings;
      let result;
      try {
        result = await predictDataset(model, tokenizerFor(info), [{ context: found.context, questions: [{ id: exampleId, question: found.question }] }], {
          maxLength,
          stride,
          nBest,
          maxAnswerLength,
          // One window per pass: an example has only a few, so a batch of the run's size would be mostly padding.
          batchSize: 1,
          topK: 1,
          logitsFor: 'all',
          signal: ctx.signal,
        });
      } catch (err) {
        asStudioError(err, ctx, 'Could not compute the logits');
      }
      const windows = (result.logits.get(exampleId) ?? []).map((w) => ({ inputIds: w.inputIds, startLogits: w.startLogits, endLogits: w.endLogits }));
      return { exampleId, windows, predicted: result.examples[0]?.candidates[0] ?? null };
    }),

  answer: ({ modelId, context, question, maxLength, stride, topK }, ctx) =>
    modelJob('a Playground answer', ctx, async () => {
      if (!question.trim()) throw new StudioError('invalid-input', 'Type a question first.');
      const { info, model } = await useModel(modelId);
      const tokenizer = tokenizerFor(info);
      const t0 = performance.now();
      try {
        const answer = await answerQuestion(model, tokenizer, context, question, { maxLength, stride, topK, signal: ctx.signal });
        return { ...answer, modelLabel: info.label, millis: Math.round(performance.now() - t0) };
      } catch (err) {
        asStudioError(err, ctx, `${info.label} could not answer`);
      }
    }),
};
