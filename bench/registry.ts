export interface Benchmark {
  run(): Promise<void>;
}

export const benchmarks: Record<string, () => Promise<Benchmark>> = {
  featurize: () => import('./featurize.js'),
  train: () => import('./train/node.js'),
  'train-quality': () => import('./train.js').then((m) => ({ run: m.runQuality })),
};
