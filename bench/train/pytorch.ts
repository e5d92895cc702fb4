// Runs bench/train/pytorch_train.py as a child process that answers one config at a time, so our
// measurement and PyTorch's for the same config run back to back under the same machine load.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TrainConfig } from './measure.js';

export interface TorchHeader {
  torch: string;
  transformers: string;
  device: string;
  threads: number;
}

export interface TorchResult {
  preset: string;
  batch: number;
  samplesPerS?: number;
  stepMs?: number;
  peakMB?: number | null;
  attention?: string | null;
  error?: string;
}

/** Why PyTorch cannot run here, or null when `import torch, transformers` works. */
export function torchUnavailable(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torch, transformers'], { encoding: 'utf8' });
  if (r.error) return `${python} not found (${r.error.message})`;
  if (r.status !== 0) return `${python} -c "import torch, transformers" failed: ${r.stderr.trim().split('\n').pop()}`;
  return null;
}

export class TorchBench {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  header: TorchHeader | null = null;

  constructor(script: string, opts: { python: string; device: 'cpu' | 'cuda'; threads?: number }) {
    const args = [script, '--device', opts.device, '--configs', '-'];
    if (opts.threads) args.push('--threads', String(opts.threads));
    this.child = spawn(opts.python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    // Writing to a process that has died raises EPIPE here; next() then reports the exit with its stderr.
    this.child.stdin.on('error', () => {});
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error(`the PyTorch benchmark exited early:\n${this.stderr.trim()}`);
    return JSON.parse(r.value) as Record<string, unknown>;
  }

  async start(): Promise<TorchHeader> {
    this.header = (await this.next()).header as TorchHeader;
    return this.header;
  }

  async measure(config: TrainConfig): Promise<TorchResult> {
    this.child.stdin.write(`${JSON.stringify(config)}\n`);
    return (await this.next()) as unknown as TorchResult;
  }

  close(): void {
    this.child.stdin.end();
  }
}
