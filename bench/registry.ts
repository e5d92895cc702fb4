export interface Benchmark {
  run(): Promise<void>;
}

export const benchmarks: Record<string, () => Promise<Benchmark>> = {
  featurize: () => import('./featurize.js'),
};
