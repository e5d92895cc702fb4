// `npm run bench -- train-quality`: a small BERT trained from scratch on SQuAD dev articles 0-37,
// scored on 38-47 against a position-only baseline.
import { resolve } from 'node:path';
import { type BackendName, setupBackend } from '../cli/backend.js';
import { trainQuality } from '../src/core/train/quality.test-util.js';

export async function runQuality(): Promise<void> {
  // Several minutes of training: only when asked for by name, not in a plain `npm run bench`.
  if (!process.argv.includes('train-quality')) {
    console.log('skipped: run `npm run bench -- train-quality` (several minutes)');
    return;
  }
  const backend = (process.env.TRAIN_QUALITY_BACKEND ?? 'wasm') as BackendName;
  await setupBackend(backend);
  const r = await trainQuality({ ...QUALITY_SETUP, sharedDir: resolve(process.cwd(), '../shared'), onProgress: (line) => console.log(line) });
  console.log(JSON.stringify({ backend, ...r }, null, 1));
}

export const QUALITY_SETUP = {
  maxLength: 128,
  stride: 32,
  hidden: 64,
  layers: 2,
  steps: 400,
  // Dropout off: a from-scratch model this short of data and steps underfits, it does not overfit.
  train: { learningRate: 3e-3, batchSize: 16, warmupRatio: 0.1, weightDecay: 0.01, seed: 1, dropout: false },
};
