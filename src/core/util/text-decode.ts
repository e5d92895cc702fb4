// Turning imported bytes into text: the byte-order mark decides UTF-8 / UTF-16 LE / UTF-16 BE, and
// bytes that are not valid in the encoding are an error with their offset, never a silent U+FFFD.

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Bytes that cannot be read in the encoding; `offset` counts bytes from the start of the file. */
export class TextDecodeError extends Error {
  constructor(
    readonly encoding: TextEncodingName,
    readonly offset: number,
    readonly bytes: number[],
    detail: string,
  ) {
    const hex = bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    super(
      `not valid ${label(encoding)} at byte ${offset.toLocaleString('en-US')}${hex ? ` (${hex})` : ''}: ${detail}.` +
        (encoding === 'utf-8' ? ' The file may be in another encoding such as Windows-1252 (Latin-1): decode it as that if so.' : ''),
    );
    this.name = 'TextDecodeError';
  }
}

export function label(e: TextEncodingName): string {
  return e === 'utf-8' ? 'UTF-8' : e === 'utf-16le' ? 'UTF-16 LE' : e === 'utf-16be' ? 'UTF-16 BE' : 'Windows-1252';
}

/** Parses a user-given encoding name (CLI flag, settings). */
export function parseEncodingName(name: string): TextEncodingName {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  const aliases: Record<string, TextEncodingName> = {
    'utf-8': 'utf-8', utf8: 'utf-8',
    'utf-16le': 'utf-16le', 'utf-16-le': 'utf-16le', utf16le: 'utf-16le',
    'utf-16be': 'utf-16be', 'utf-16-be': 'utf-16be', utf16be: 'utf-16be',
    'windows-1252': 'windows-1252', cp1252: 'windows-1252', 'latin-1': 'windows-1252', latin1: 'windows-1252', 'iso-8859-1': 'windows-1252',
  };
  const e = aliases[n];
  if (!e) throw new Error(`unknown encoding "${name}": use utf-8, utf-16le, utf-16be or windows-1252`);
  return e;
}

/**
 * The encoding a file's first bytes announce: a byte-order mark, or (without one) a NUL in either of
 * the first two bytes, which text in UTF-8 never has there but UTF-16 text starting with ASCII does.
 */
export function sniffEncoding(head: Uint8Array): { encoding: TextEncodingName; bom: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (head.length >= 2 && head[0] !== 0 && head[1] === 0) return { encoding: 'utf-16le', bom: 0 };
  if (head.length >= 2 && head[0] === 0 && head[1] !== 0) return { encoding: 'utf-16be', bom: 0 };
  return { encoding: 'utf-8', bom: 0 };
}

/**
 * Decodes a byte stream chunk by chunk. Without an encoding it follows the byte-order mark (UTF-8 when
 * there is none); with one, a matching byte-order mark is skipped. Throws TextDecodeError on the first
 * invalid sequence.
 */
export class StrictTextDecoder {
  private decoder: TextDecoder | null = null;
  private enc: TextEncodingName | null;
  private offset = 0;
  private head = new Uint8Array(0);
  // UTF-8 validation state carried across chunks.
  private need = 0;
  private seqStart = 0;
  private seq: number[] = [];
  private lower = 0x80;
  private upper = 0xbf;
  // UTF-16: a high surrogate waiting for its pair, and an odd byte.
  private pendingHigh = -1;
  private odd = -1;

  constructor(encoding?: TextEncodingName) {
    this.enc = encoding ?? null;
  }

  /** The encoding in use (known once the first bytes are in). */
  get encoding(): TextEncodingName | null {
    return this.decoder ? this.enc : null;
  }

  push(chunk: Uint8Array): string {
    if (!this.decoder) {
      // Wait for three bytes (the longest byte-order mark) before deciding.
      const head = new Uint8Array(this.head.length + chunk.length);
      head.set(this.head);
      head.set(chunk, this.head.length);
      if (head.length < 3) {
        this.head = head;
        return '';
      }
      this.head = new Uint8Array(0);
      return this.start(head);
    }
    return this.decode(chunk);
  }

  end(): string {
    let out = '';
    if (!this.decoder) out = this.start(this.head);
    if (this.need > 0) throw new TextDecodeError('utf-8', this.seqStart, this.seq, 'the file ends inside a multi-byte character');
    if (this.odd >= 0) throw new TextDecodeError(this.enc!, this.offset - 1, [this.odd], 'the file ends with half a UTF-16 code unit');
    if (this.pendingHigh >= 0) throw new TextDecodeError(this.enc!, this.pendingHigh, [], 'the file ends with an unpaired high surrogate');
    return out + this.decoder!.decode();
  }

  private start(head: Uint8Array): string {
    const sniffed = sniffEncoding(head);
    let skip = 0;
    if (this.enc === null) {
      this.enc = sniffed.encoding;
      skip = sniffed.bom;
    } else if (sniffed.bom > 0 && sniffed.encoding === this.enc) skip = sniffed.bom;
    // ignoreBOM: we strip the mark ourselves, so a second one stays visible as U+FEFF.
    this.decoder = new TextDecoder(this.enc, { ignoreBOM: true });
    this.offset = skip;
    return this.decode(head.subarray(skip));
  }

  private decode(chunk: Uint8Array): string {
    if (this.enc === 'utf-8') this.checkUtf8(chunk);
    else if (this.enc === 'utf-16le' || this.enc === 'utf-16be') this.checkUtf16(chunk, this.enc === 'utf-16le');
    this.offset += chunk.length;
    return this.decoder!.decode(chunk, { stream: true });
  }

  /** The WHATWG UTF-8 decoder's state machine, reporting instead of replacing. */
  private checkUtf8(b: Uint8Array): void {
    // State in locals: this loop sees every byte of an import.
    let need = this.need;
    let lower = this.lower;
    let upper = this.upper;
    const n = b.length;
    for (let i = 0; i < n; i++) {
      const x = b[i];
      if (need === 0) {
        if (x < 0x80) continue;
        this.seqStart = this.offset + i;
        this.seq = [x];
        if (x >= 0xc2 && x <= 0xdf) need = 1;
        else if (x >= 0xe0 && x <= 0xef) {
          need = 2;
          if (x === 0xe0) lower = 0xa0;
          if (x === 0xed) upper = 0x9f;
        } else if (x >= 0xf0 && x <= 0xf4) {
          need = 3;
          if (x === 0xf0) lower = 0x90;
          if (x === 0xf4) upper = 0x8f;
        } else throw new TextDecodeError('utf-8', this.offset + i, [x], x >= 0x80 && x <= 0xbf ? 'a continuation byte with no lead byte' : 'a byte that never starts a UTF-8 character');
        continue;
      }
      this.seq.push(x);
      if (x < lower || x > upper) throw new TextDecodeError('utf-8', this.seqStart, this.seq, 'a multi-byte character cut short or overlong');
      lower = 0x80;
      upper = 0xbf;
      need--;
    }
    this.need = need;
    this.lower = lower;
    this.upper = upper;
  }

  private checkUtf16(b: Uint8Array, le: boolean): void {
    let i = 0;
    if (this.odd >= 0 && b.length > 0) {
      this.unit(le ? this.odd | (b[0] << 8) : (this.odd << 8) | b[0], this.offset - 1);
      this.odd = -1;
      i = 1;
    }
    for (; i + 1 < b.length; i += 2) this.unit(le ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1], this.offset + i);
    if (i < b.length) this.odd = b[i];
  }

  private unit(u: number, at: number): void {
    if (this.pendingHigh >= 0) {
      if (u >= 0xdc00 && u <= 0xdfff) {
        this.pendingHigh = -1;
        return;
      }
      throw new TextDecodeError(this.enc!, this.pendingHigh, [], 'a high surrogate without its low surrogate');
    }
    if (u >= 0xd800 && u <= 0xdbff) this.pendingHigh = at;
    else if (u >= 0xdc00 && u <= 0xdfff) throw new TextDecodeError(this.enc!, at, [], 'a low surrogate without its high surrogate');
  }
}

/** Decodes a whole buffer (see StrictTextDecoder). */
export function decodeText(bytes: Uint8Array, encoding?: TextEncodingName): { text: string; encoding: TextEncodingName } {
  const d = new StrictTextDecoder(encoding);
  const text = d.push(bytes) + d.end();
  return { text, encoding: d.encoding! };
}
