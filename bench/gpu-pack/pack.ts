// `npm run bench:gpu-pack [folder]`: writes a self-contained folder (default .bench/gpu-pack) that runs
// the training benchmark on any Linux x64 machine with a GPU driver: run.sh, the bench bundled into
// one file, this Node binary and the `webgpu` package's Dawn (both xz-compressed), Debian's Vulkan
// loader (libvulkan1) and glvnd (libglvnd0) as .debs for machines without them, and PyTorch's script.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HERE = join(ROOT, 'bench/gpu-pack');
const LIMIT_BYTES = 60 * 2 ** 20;
const out = resolve(process.argv[2] ?? join(ROOT, '.bench/gpu-pack'));

function step(what: string): void {
  console.log(`- ${what}`);
}

function xzTo(src: string, dest: string): void {
  // -9 saves a few MB over the default on these binaries, which matters under the 60 MB cap.
  execFileSync('sh', ['-c', `xz -9 -T0 -c "$0" > "$1"`, src, dest], { stdio: 'inherit' });
}

function aptGet(args: string[], cwd: string): string | null {
  try {
    execFileSync('apt-get', ['-q', '-oAPT::Architecture=amd64', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (err) {
    return (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err);
  }
}

function fetchDebs(dest: string): string[] {
  const pkgs = ['libvulkan1', 'libglvnd0'];
  // apt-get download needs the package lists: fill them once if it fails without.
  if (aptGet(['download', ...pkgs], dest) !== null) {
    aptGet(['update'], dest);
    const why = aptGet(['download', ...pkgs], dest);
    if (why) console.log(`  apt-get download ${pkgs.join(' ')} failed: ${why}`);
  }
  return readdirSync(dest).filter((f) => f.endsWith('.deb'));
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? folderBytes(p) : s.size;
  }
  return total;
}

async function main(): Promise<void> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the pack carries this Node binary: build it on Linux x64 (this is ${process.platform}-${process.arch})`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  console.log(`Writing the GPU pack to ${out}`);

  step('bench.mjs: the training bench for WebGPU, bundled with esbuild');
  await build({
    entryPoints: [join(HERE, 'entry.ts')],
    outfile: join(out, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: { webgpu: join(HERE, 'dawn.ts') },
    // Only the WebGPU backend runs in the pack; the wasm backend's binaries are not carried.
    external: ['@tensorflow/tfjs-backend-wasm'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  copyFileSync(join(ROOT, 'bench/train/pytorch_train.py'), join(out, 'pytorch_train.py'));
  copyFileSync(join(HERE, 'run.sh'), join(out, 'run.sh'));
  execFileSync('chmod', ['+x', join(out, 'run.sh')]);

  step(`node.xz: this Node ${process.version} (${process.execPath})`);
  xzTo(process.execPath, join(out, 'node.xz'));

  const require = createRequire(import.meta.url);
  const dawn = join(dirname(require.resolve('webgpu/package.json')), 'dist/linux-x64/dawn.node');
  if (!existsSync(dawn)) throw new Error(`the webgpu package has no ${dawn}`);
  step(`dawn.node.xz: the webgpu package's ${dawn}`);
  xzTo(dawn, join(out, 'dawn.node.xz'));

  step('debs/: Debian libvulkan1 and libglvnd0 (apt-get download), unpacked by run.sh only where the system lacks them');
  const tmp = mkdtempSync(join(tmpdir(), 'gpu-pack-debs-'));
  const debs = fetchDebs(tmp);
  mkdirSync(join(out, 'debs'));
  for (const d of debs) copyFileSync(join(tmp, d), join(out, 'debs', d));
  rmSync(tmp, { recursive: true, force: true });
  if (!debs.some((d) => d.startsWith('libvulkan1_'))) console.log('  WARNING: no libvulkan1 packed: run.sh will need the system\'s Vulkan loader');

  writeFileSync(
    join(out, 'README.txt'),
    [
      'BERT Studio training benchmark: ours on WebGPU (Dawn in Node) vs PyTorch fp32 eager on CUDA.',
      'Run ./run.sh on a Linux x64 machine with a GPU driver and python3 + torch + transformers.',
      './run.sh --help lists the options (configs, steps, PyTorch device, Vulkan driver override).',
      `Packed from Node ${process.version}, ${new Date().toISOString()}.`,
      '',
    ].join('\n'),
  );

  const bytes = folderBytes(out);
  for (const name of readdirSync(out).sort()) {
    const p = join(out, name);
    const size = statSync(p).isDirectory() ? folderBytes(p) : statSync(p).size;
    console.log(`  ${(size / 2 ** 20).toFixed(2).padStart(7)} MB  ${name}`);
  }
  console.log(`Total ${(bytes / 2 ** 20).toFixed(1)} MB (limit ${LIMIT_BYTES / 2 ** 20} MB)`);
  if (bytes > LIMIT_BYTES) throw new Error(`the pack is ${(bytes / 2 ** 20).toFixed(1)} MB, over the ${LIMIT_BYTES / 2 ** 20} MB limit`);
}

await main();
