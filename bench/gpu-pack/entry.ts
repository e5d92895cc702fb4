// The GPU pack's bench: `npm run bench -- train` on WebGPU (Dawn) against PyTorch's pytorch_train.py
// beside this bundle, on CUDA unless BENCH_TORCH_DEVICE=cpu. run.sh sets the environment.
import { run } from '../train/node.js';

process.env.BENCH_BACKENDS ??= 'webgpu';
await run();
