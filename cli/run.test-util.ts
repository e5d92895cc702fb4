// The CLI run as a user would run it (a child process), for the tests of every command.
import { spawn, spawnSync } from 'node:child_process';

export interface CliResult {
  /** Exit status (null when killed by a signal). */
  status: number | null;
  /** The same, -1 when killed. */
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line as JSON (every command ends with one), or {} when it is not JSON. */
  last: Record<string, unknown>;
}

function result(status: number | null, stdout: string, stderr: string): CliResult {
  let last: Record<string, unknown> = {};
  try {
    last = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    // Left empty: assertions on its fields fail, and the status assertion shows stderr.
  }
  return { status, code: status ?? -1, stdout, stderr, last };
}

/** `npx tsx cli/index.ts ...args`, waiting for it to end. */
export function cli(...args: string[]): CliResult {
  const r = spawnSync('npx', ['tsx', 'cli/index.ts', ...args], { encoding: 'utf8' });
  return result(r.status, r.stdout, r.stderr);
}

/** The same without blocking the test's event loop, so several commands can run at once. */
export function cliAsync(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'cli/index.ts', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(result(code, stdout, stderr)));
  });
}
