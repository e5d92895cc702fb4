// Runs the training benchmark on a list of backends and prints ours next to PyTorch for the same
// configs: shared by `npm run bench -- train` and the GPU pack's bundle.
import type { TrainConfig, TrainResult } from './measure.js';
import { matmulGflops, measureTraining } from './measure.js';
import { TorchBench, type TorchResult, torchUnavailable } from './pytorch.js';
import { type Row, formatTable, topKernels } from './table.js';

export interface BackendPlan {
  name: string;
  /** Makes the backend active; returns what to print about it (threads, adapter), or throws why it is unavailable. */
  setup(): Promise<{ describe: string; torchDevice: 'cpu' | 'cuda'; torchThreads?: number; matmulGflops?: number }>;
  configs(): TrainConfig[];
  /** Where the measurement runs when not in this process (a browser worker); default measureTraining. */
  measure?(config: TrainConfig): Promise<TrainResult>;
}

export interface DriverOptions {
  backends: BackendPlan[];
  /** Path of pytorch_train.py, or null to skip PyTorch. */
  torchScript: string | null;
  python: string;
  log?: (line: string) => void;
}

export async function runTrainBench(opts: DriverOptions): Promise<Row[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  log('Training step (forward + backward + clip + AdamW), dropout on, vocab 30522, fp32.');
  log('TFLOP/s = estimateModel().trainingStepFlops / step time; kernels and peak MB from one step under tf.profile.');
  let why = opts.torchScript ? torchUnavailable(opts.python) : 'skipped (BENCH_TORCH=0)';
  if (why) log(`PyTorch: ${why}`);
  const torchBenches = new Map<string, TorchBench>();
  const torchFor = async (device: 'cpu' | 'cuda', threads?: number): Promise<TorchBench | null> => {
    if (why) return null;
    const key = `${device}:${threads ?? ''}`;
    let bench = torchBenches.get(key);
    if (!bench) {
      bench = new TorchBench(opts.torchScript!, { python: opts.python, device, threads });
      torchBenches.set(key, bench);
      try {
        const h = await bench.start();
        log(`PyTorch ${h.torch}, transformers ${h.transformers}, ${h.device}, ${h.threads} thread(s), fp32 eager`);
      } catch (err) {
        why = err instanceof Error ? err.message : String(err);
        log(`PyTorch: ${why}`);
        return null;
      }
    }
    return bench;
  };
  const rows: Row[] = [];
  try {
    for (const plan of opts.backends) {
      let info;
      try {
        info = await plan.setup();
      } catch (err) {
        log(`${plan.name}: skipped (${err instanceof Error ? err.message : String(err)})`);
        continue;
      }
      log(`${plan.name}: ${info.describe}; 1024^3 matmul ${(info.matmulGflops ?? (await matmulGflops())).toPrecision(3)} GFLOP/s`);
      for (const config of plan.configs()) {
        let ours: TrainResult;
        try {
          ours = await (plan.measure ?? measureTraining)(config);
        } catch (err) {
          log(`  ${config.preset} batch ${config.batch}: failed (${err instanceof Error ? err.message : String(err)})`);
          continue;
        }
        log(
          `  ${config.preset} batch ${config.batch} seq ${config.seq}: ${ours.samplesPerS.toPrecision(3)} samples/s, ${ours.kernels} kernels, ` +
            `peak ${(ours.peakBytes / 2 ** 20).toFixed(0)} MB (${topKernels(ours.kernelsByName)})`,
        );
        let torch: TorchResult | undefined;
        const tb = await torchFor(info.torchDevice, info.torchThreads);
        if (tb) {
          try {
            torch = await tb.measure(config);
          } catch (err) {
            torch = { preset: config.preset, batch: config.batch, error: err instanceof Error ? err.message : String(err) };
          }
          log(`  PyTorch ${info.torchDevice}: ${torch.error ?? `${torch.samplesPerS!.toPrecision(3)} samples/s`}`);
        }
        rows.push({ backend: plan.name, threads: info.torchDevice === 'cpu' ? info.torchThreads : undefined, ours, torch });
      }
    }
  } finally {
    for (const b of torchBenches.values()) b.close();
  }
  log(`\n${formatTable(rows)}`);
  log('x torch: our samples/s over PyTorch\'s for the same config, measured right after ours in the same run.');
  return rows;
}
