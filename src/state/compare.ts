// What the QA and sentence-pair Playgrounds share: columns of models answering the same input one
// after the other, and links (`#/playground?...`) that carry the texts and the models.
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/** One model's column: its answer to the input it was asked (the inputs may have changed since). */
export interface ColumnState<R, A> {
  modelId: string | null;
  result: R | null;
  error: string | null;
  busy: boolean;
  asked: A | null;
}

export const emptyColumn = <R, A>(modelId: string | null): ColumnState<R, A> => ({ modelId, result: null, error: null, busy: false, asked: null });

/**
 * Asks the first `ids.length` columns, one model after the other (a worker runs one job at a time),
 * marking them busy first and filling each in as its answer comes.
 */
export async function askColumns<R, A>(
  get: () => ColumnState<R, A>[],
  put: (columns: ColumnState<R, A>[]) => void,
  ids: string[],
  asked: A,
  call: (id: string) => Promise<R>,
  describeError: (err: unknown) => string,
): Promise<void> {
  put(get().map((c, i) => (i < ids.length ? { ...c, modelId: ids[i], busy: true, error: null } : c)));
  const update = (i: number, patch: Partial<ColumnState<R, A>>) => put(get().map((c, j) => (j === i ? { ...c, ...patch } : c)));
  for (let i = 0; i < ids.length; i++) {
    try {
      update(i, { result: await call(ids[i]), asked, busy: false, error: null });
    } catch (err) {
      update(i, { result: null, busy: false, error: describeError(err) });
    }
  }
}

// Above this many URL characters the texts go deflated (base64url) instead of plain.
const PLAIN_LIMIT = 1500;

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Puts texts into a link's parameters under their keys: plain when short, else one deflated `z`. */
export function packTexts(p: URLSearchParams, texts: Record<string, string>): void {
  const size = Object.values(texts).reduce((n, t) => n + encodeURIComponent(t).length, 0);
  if (size <= PLAIN_LIMIT) for (const [k, t] of Object.entries(texts)) p.set(k, t);
  else p.set('z', toBase64Url(deflateSync(strToU8(JSON.stringify(texts)), { level: 9 })));
}

/** The texts `packTexts` wrote ('' for a missing one); throws when the deflated part is damaged. */
export function unpackTexts<K extends string>(p: URLSearchParams, keys: readonly K[]): Record<K, string> {
  const z = p.get('z');
  const parsed = z ? (JSON.parse(strFromU8(inflateSync(fromBase64Url(z)))) as Record<string, unknown>) : null;
  const out = {} as Record<K, string>;
  for (const k of keys) {
    const v = parsed ? parsed[k] : p.get(k);
    out[k] = typeof v === 'string' ? v : '';
  }
  return out;
}

/** The query of a `#/playground?...` hash, or null. */
export function playgroundQuery(hash: string): URLSearchParams | null {
  const m = /^#\/?playground\?(.*)$/.exec(hash);
  return m ? new URLSearchParams(m[1]) : null;
}

/**
 * The models a link names, found here by id (this browser's) or else by label (another browser's copy);
 * `missing` lists those found neither way.
 */
export function resolveLinked(ids: string[], labels: string[], available: readonly { id: string; label: string }[]): { ids: (string | null)[]; missing: string[] } {
  const missing: string[] = [];
  const found = ids.map((id, i) => {
    const label = labels[i];
    const hit = available.find((m) => m.id === id) ?? available.find((m) => label && m.label === label);
    if (!hit) missing.push(label || id);
    return hit?.id ?? null;
  });
  return { ids: found, missing };
}

/** What to tell the user about models a link names that are not here. */
export function missingNote(missing: string[], what: string): string | null {
  return missing.length ? `The link names ${missing.map((m) => `“${m}”`).join(' and ')}, which this browser does not have; the latest ${what} answers instead.` : null;
}
