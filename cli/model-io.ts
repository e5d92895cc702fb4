import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelFiles } from '../src/core/model/index.js';

/** The files of a Hugging Face model folder that the core reads, when present. */
const MODEL_FOLDER_FILES = [
  'config.json',
  'model.safetensors',
  'pytorch_model.bin',
  'vocab.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
];

export async function readModelDir(dir: string): Promise<ModelFiles> {
  const files: ModelFiles = new Map();
  for (const name of MODEL_FOLDER_FILES) {
    try {
      files.set(name, new Uint8Array(await readFile(join(dir, name))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (files.size === 0) throw new Error(`${dir} holds no model files (config.json, model.safetensors, ...)`);
  return files;
}

export async function writeModelDir(dir: string, files: ModelFiles): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of files) {
    const path = join(dir, name);
    if (name.includes('/')) await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    written.push(path);
  }
  return written;
}
