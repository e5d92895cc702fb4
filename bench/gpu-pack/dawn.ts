// Stands in for the `webgpu` package inside the GPU pack's bundle: loads the dawn.node that run.sh
// unpacked (DAWN_NODE), else the one beside the bundle.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dawn = require(process.env.DAWN_NODE ?? fileURLToPath(new URL('./dawn.node', import.meta.url))) as { create(flags: string[]): unknown; globals: Record<string, unknown> };

export const create = dawn.create;
export const globals = dawn.globals;
