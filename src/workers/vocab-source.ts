import { StudioError } from './protocol.js';
import { TextDecodeError, decodeText } from '../core/util/text-decode.js';
import type { VocabSource } from './features-api.js';

/** What works without a network, said wherever a download fails. */
export const OFFLINE_VOCAB_HINT =
  'Offline, use the “BERT Studio demo” vocabulary that ships with the studio, a vocabulary you trained (Train a vocabulary), ' +
  'a vocab.txt or tokenizer.json from disk, or a folder served as local assets (STUDIO_ASSETS_DIR).';

/** Where a vocabulary came from, as one string: the worker keeps one tokenizer per source (feature sets are keyed by content). */
export function vocabSourceKey(v: VocabSource): string {
  if (v.kind === 'url') return v.url;
  if (v.kind === 'text') return v.key;
  return `file:${v.file.name}:${v.file.size}:${v.file.lastModified}`;
}

/** The vocabulary's text (vocab.txt or tokenizer.json), downloading it when it is a URL. */
export async function vocabSourceText(v: VocabSource): Promise<string> {
  if (v.kind === 'text') return v.text;
  if (v.kind === 'file') return decoded(v.label, await v.file.arrayBuffer());
  let res: Response;
  try {
    res = await fetch(v.url);
  } catch (err) {
    throw new StudioError('unavailable', `Could not download the vocabulary ${v.label} from ${v.url}: ${err instanceof Error ? err.message : String(err)}. ${OFFLINE_VOCAB_HINT}`);
  }
  if (!res.ok) throw new StudioError('unavailable', `Could not download the vocabulary ${v.label}: the server answered ${res.status}. ${OFFLINE_VOCAB_HINT}`);
  return decoded(v.label, await res.arrayBuffer());
}

/** Vocabulary files are text like any import: by their byte-order mark, invalid bytes reported. */
function decoded(label: string, bytes: ArrayBuffer): string {
  try {
    return decodeText(new Uint8Array(bytes)).text;
  } catch (err) {
    if (err instanceof TextDecodeError) throw new StudioError('invalid-input', `The vocabulary ${label} is ${err.message}`);
    throw err;
  }
}
