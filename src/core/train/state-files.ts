import { type HostParams, readSafetensors, writeSafetensors } from '../model/index.js';
import type { TrainerState } from './trainer.js';

const STATE_JSON = 'trainer_state.json';
const PARAMS = 'params.safetensors';
const OPTIMIZER = 'optimizer.safetensors';

/** The files a checkpoint of a run is stored as (a folder, a zip, IndexedDB records): JSON plus two safetensors. */
export const TRAINER_STATE_FILES = [STATE_JSON, PARAMS, OPTIMIZER] as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A TrainerState as files: counters, options and data cursor in JSON; weights and Adam moments in safetensors. */
export function trainerStateToFiles(state: TrainerState): Map<string, Uint8Array> {
  const { params, optimizer, cursor, ...rest } = state;
  const moments: HostParams = new Map();
  for (const [name, t] of optimizer.exp_avg) moments.set(`exp_avg.${name}`, t);
  for (const [name, t] of optimizer.exp_avg_sq) moments.set(`exp_avg_sq.${name}`, t);
  const json = { ...rest, optimizerStep: optimizer.step, cursor: { epoch: cursor.epoch, position: cursor.position, permutation: Array.from(cursor.permutation) } };
  return new Map([
    [STATE_JSON, encoder.encode(`${JSON.stringify(json)}\n`)],
    [PARAMS, writeSafetensors(params)],
    [OPTIMIZER, writeSafetensors(moments)],
  ]);
}

function hostParams(bytes: Uint8Array): HostParams {
  const out: HostParams = new Map();
  for (const [name, t] of readSafetensors(bytes).tensors) out.set(name, { shape: [...t.shape], data: t.toFloat32() });
  return out;
}

/** Reads trainerStateToFiles' output back; a missing or unreadable file is named in the error. */
export function trainerStateFromFiles(files: ReadonlyMap<string, Uint8Array>): TrainerState {
  for (const f of TRAINER_STATE_FILES) if (!files.has(f)) throw new Error(`the checkpoint has no ${f}`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(decoder.decode(files.get(STATE_JSON))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${STATE_JSON} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (json.format !== 'bert-studio-trainer/1') throw new Error(`unknown trainer state format ${JSON.stringify(json.format)}`);
  const { optimizerStep, cursor, ...rest } = json as { optimizerStep: number; cursor: { epoch: number; position: number; permutation: number[] } };
  const moments = hostParams(files.get(OPTIMIZER)!);
  const expAvg: HostParams = new Map();
  const expAvgSq: HostParams = new Map();
  for (const [name, t] of moments) {
    if (name.startsWith('exp_avg_sq.')) expAvgSq.set(name.slice('exp_avg_sq.'.length), t);
    else if (name.startsWith('exp_avg.')) expAvg.set(name.slice('exp_avg.'.length), t);
  }
  return {
    ...(rest as unknown as Omit<TrainerState, 'params' | 'optimizer' | 'cursor'>),
    cursor: { epoch: cursor.epoch, position: cursor.position, permutation: Int32Array.from(cursor.permutation) },
    params: hostParams(files.get(PARAMS)!),
    optimizer: { step: optimizerStep, exp_avg: expAvg, exp_avg_sq: expAvgSq },
  };
}
