// Reading text files for the CLI the way the studio's import does: the byte-order mark picks UTF-8 or
// UTF-16, invalid bytes stop with their offset, and --encoding forces an encoding (e.g. windows-1252).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ParsedArgs } from './args.js';
import { StrictTextDecoder, TextDecodeError, decodeText, parseEncodingName, type TextEncodingName } from '../src/core/util/text-decode.js';

export function encodingOption(p: ParsedArgs): TextEncodingName | undefined {
  const v = p.values.get('encoding');
  return v === undefined ? undefined : parseEncodingName(v);
}

function readError(e: unknown, path: string, what: string): Error {
  if (e instanceof TextDecodeError)
    return new Error(`${what} ${path} is ${e.message}${e.encoding === 'utf-8' ? ' Pass --encoding windows-1252 to read it as that.' : ''}`);
  const code = (e as NodeJS.ErrnoException).code;
  return new Error(`cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : `: ${String(e)}`}`);
}

export async function readTextFile(path: string, what: string, encoding?: TextEncodingName): Promise<string> {
  try {
    return decodeText(new Uint8Array(await readFile(path)), encoding).text;
  } catch (e) {
    throw readError(e, path, what);
  }
}

/** The file's text in chunks, for streaming parsers. */
export async function* readTextChunks(path: string, what: string, encoding?: TextEncodingName): AsyncGenerator<string> {
  const decoder = new StrictTextDecoder(encoding);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    yield decoder.end();
  } catch (e) {
    throw readError(e, path, what);
  } finally {
    stream.destroy();
  }
}
