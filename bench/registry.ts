export interface Benchmark {
  run(): Promise<void>;
}

function skip(name: string): Promise<void> {
  console.log(`skipped: run \`npm run bench -- ${name}\``);
  return Promise.resolve();
}

export const benchmarks: Record<string, () => Promise<Benchmark>> = {
  featurize: () => import('./featurize.js'),
  vocab: () => import('./vocab.js'),
  train: () => import('./train/node.js'),
  // Only when named: it builds a page and drives Chromium.
  'train-browser': () => import('./train/browser.js').then((m) => ({ run: () => (process.argv.includes('train-browser') ? m.run() : skip('train-browser')) })),
  // Only when named: one profiled step per config, ours and PyTorch's.
  'train-profile': () => import('./train/profile.js').then((m) => ({ run: () => (process.argv.includes('train-profile') ? m.run() : skip('train-profile')) })),
  'train-quality': () => import('./train.js').then((m) => ({ run: m.runQuality })),
};
