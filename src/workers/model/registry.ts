import { BertForQuestionAnswering, countBertParams, type BertConfig, type HostParams, type LoadReport } from '../../core/model/index.js';
import { IdbDatasetStore } from '../../core/storage/index.js';
import { tokenizerFromVocab, type BertTokenizer } from '../../core/tokenizer/index.js';
import type { ModelInfo, ModelSource } from '../model-api.js';
import { StudioError } from '../protocol.js';
import { backendInfo } from './backend.js';

let storePromise: Promise<IdbDatasetStore> | null = null;
export const store = () => (storePromise ??= IdbDatasetStore.open());

const owner = (id: string) => `model:${id}`;

/** Models live in IndexedDB; at most a few are kept on the backend at once. */
const live = new Map<string, { model: BertForQuestionAnswering; backend: string }>();
const tokenizers = new Map<string, BertTokenizer>();

export function newModelId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function saveModel(
  fields: { id?: string; label: string; source: ModelSource; config: BertConfig; vocab: string | null; lowercase: boolean; report: LoadReport | null },
  params: HostParams,
): Promise<ModelInfo> {
  const info: ModelInfo = {
    kind: 'model',
    id: fields.id ?? newModelId(),
    label: fields.label,
    source: fields.source,
    config: fields.config,
    parameters: countBertParams(fields.config),
    vocab: fields.vocab,
    lowercase: fields.lowercase,
    createdAt: Date.now(),
    report: fields.report,
  };
  const tensors = [...params].map(([name, t]) => ({ name, shape: [...t.shape], data: t.data }));
  await (await store()).putTensors(info as unknown as Parameters<IdbDatasetStore['putTensors']>[0], owner(info.id), tensors);
  return info;
}

export async function listModels(): Promise<ModelInfo[]> {
  const all = await (await store()).listRecords('model');
  return (all as unknown as ModelInfo[]).sort((a, b) => a.createdAt - b.createdAt);
}

export async function getModelInfo(id: string): Promise<ModelInfo> {
  const info = (await (await store()).getRecord('model', id)) as unknown as ModelInfo | undefined;
  if (!info) throw new StudioError('not-found', `No model with id ${id}: it may have been deleted.`);
  return info;
}

export async function readParams(id: string): Promise<HostParams> {
  const records = await (await store()).readTensors(owner(id));
  return new Map(records.map((r) => [r.name, { shape: r.shape, data: r.data }]));
}

/** The model on the current backend, loading it from IndexedDB when needed. */
export async function useModel(id: string): Promise<{ info: ModelInfo; model: BertForQuestionAnswering }> {
  const info = await getModelInfo(id);
  const backend = (await backendInfo()).current;
  const held = live.get(id);
  if (held && held.backend === backend) return { info, model: held.model };
  held?.model.dispose();
  live.delete(id);
  // Keep memory bounded: one model besides the requested one may stay resident.
  while (live.size > 1) {
    const [first] = live.keys();
    live.get(first)!.model.dispose();
    live.delete(first);
  }
  const model = new BertForQuestionAnswering(info.config, await readParams(id));
  live.set(id, { model, backend });
  return { info, model };
}

export function tokenizerFor(info: ModelInfo): BertTokenizer {
  if (!info.vocab) throw new StudioError('invalid-input', `The model “${info.label}” has no vocabulary (vocab.txt); load one with it.`);
  const key = `${info.id}|${info.lowercase}`;
  let tok = tokenizers.get(key);
  if (!tok) {
    tok = tokenizerFromVocab(info.vocab, { lowercase: info.lowercase });
    tokenizers.set(key, tok);
  }
  return tok;
}

export async function deleteModel(id: string): Promise<void> {
  live.get(id)?.model.dispose();
  live.delete(id);
  await (await store()).deleteRecord('model', id, owner(id));
}

/** Drops every resident model (after a backend change or a lost device). */
export function releaseAll(): void {
  for (const { model } of live.values()) model.dispose();
  live.clear();
}
