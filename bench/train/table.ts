import type { TorchResult } from './pytorch.js';
import type { TrainResult } from './measure.js';

export interface Row {
  backend: string;
  /** CPU threads ours ran on (and PyTorch was given); undefined on a GPU. */
  threads?: number;
  ours: TrainResult;
  torch?: TorchResult;
}

const COLUMNS: [string, number][] = [
  ['backend', 13],
  ['preset', 6],
  ['seq', 4],
  ['batch', 5],
  ['threads', 7],
  ['samples/s', 10],
  ['TFLOP/s', 8],
  ['kernels/step', 12],
  ['peak MB', 8],
  ['torch samples/s', 15],
  ['torch peak MB', 13],
  ['x torch', 8],
];

function line(cells: string[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(COLUMNS[i][1]) : c.padStart(COLUMNS[i][1]))).join('  ');
}

function fixed(n: number | null | undefined, digits: number): string {
  return n == null || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
}

/** Samples/s as more significant digits when small, so 0.03 does not print as 0.0. */
function rate(n: number | undefined): string {
  if (n == null || !Number.isFinite(n)) return 'n/a';
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(2);
}

export function formatTable(rows: Row[]): string {
  const out = [line(COLUMNS.map(([h]) => h))];
  for (const { backend, threads, ours, torch } of rows) {
    const ratio = torch?.samplesPerS ? ours.samplesPerS / torch.samplesPerS : undefined;
    out.push(
      line([
        backend,
        ours.preset,
        String(ours.seq),
        String(ours.batch),
        threads === undefined ? '-' : String(threads),
        rate(ours.samplesPerS),
        ours.tflops >= 0.1 ? ours.tflops.toFixed(2) : ours.tflops.toPrecision(2),
        String(ours.kernels),
        fixed(ours.peakBytes / 2 ** 20, 0),
        torch?.error ? 'error' : rate(torch?.samplesPerS),
        fixed(torch?.peakMB, 0),
        ratio === undefined ? 'n/a' : ratio.toFixed(2),
      ]),
    );
  }
  return out.join('\n');
}

/** The most launched kernels of a step, e.g. "Multiply 1790, Add 1118, ...". */
export function topKernels(byName: Record<string, number>, n = 6): string {
  return Object.entries(byName)
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
