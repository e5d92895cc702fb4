// A training checkpoint as a folder: the trainer's state files plus the command line that started
// the run, written to a temporary folder and renamed over the old one, so a crash mid-write leaves
// the previous checkpoint whole.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRAINER_STATE_FILES, type TrainerState, trainerStateFromFiles, trainerStateToFiles } from '../src/core/train/index.js';

const RUN_ARGS = 'run_args.json';

export function checkpointDir(outDir: string): string {
  return join(outDir, 'checkpoint');
}

export async function writeCheckpoint(outDir: string, state: TrainerState, runArgs: string[]): Promise<void> {
  const dir = checkpointDir(outDir);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [name, bytes] of trainerStateToFiles(state)) await writeFile(join(tmp, name), bytes);
  await writeFile(join(tmp, RUN_ARGS), `${JSON.stringify({ args: runArgs })}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

export async function readCheckpoint(outDir: string): Promise<{ state: TrainerState; runArgs: string[] }> {
  const dir = checkpointDir(outDir);
  if (!existsSync(dir)) throw new Error(`${outDir} holds no checkpoint (no ${dir}): pass the --out folder of an earlier train run`);
  const files = new Map<string, Uint8Array>();
  for (const name of TRAINER_STATE_FILES) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  const { args } = JSON.parse(await readFile(join(dir, RUN_ARGS), 'utf8')) as { args: string[] };
  return { state: trainerStateFromFiles(files), runArgs: args };
}
