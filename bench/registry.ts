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
  'train-quality': () => import('./train.js').then((m) => ({ run: m.runQuality })),
};
