// Incremental JSON parser specialised for SQuAD files: text arrives in chunks of any size, every
// state is resumable at any character (inside strings, escapes, numbers), and each element of the
// top-level "data" array is handed out as soon as it closes instead of being kept, so memory stays
// bounded by one article.

export interface JsonPosition {
  /** UTF-16 code units from the start of the text. */
  offset: number;
  /** UTF-8 bytes from the start of the text. */
  byteOffset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export interface JsonFatal extends JsonPosition {
  /** The problem alone, without its position. */
  problem: string;
  /** JSON path of the value being read when it happened ('' at the top level). */
  path: string;
  /** Problem, position and path in one sentence. */
  message: string;
}

type JsonObject = Record<string, unknown>;

const ST_VALUE = 0; // a value must come next
const ST_VALUE_OR_CLOSE = 1; // just after '['
const ST_KEY_OR_CLOSE = 2; // just after '{'
const ST_KEY = 3; // after ',' in an object
const ST_COLON = 4;
const ST_AFTER = 5; // after a value inside a container: ',' or the closer
const ST_STRING = 6;
const ST_ESCAPE = 7;
const ST_HEX = 8;
const ST_NUMBER = 9;
const ST_LITERAL = 10;
const ST_DONE = 11;
const ST_FAILED = 12;

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NON_ASCII = /[^\x00-\x7f]/;
const IDENT_RE = /^[A-Za-z_$][\w$]*$/;

class Frame {
  key: string | null = null;
  index = 0;
  readonly isArray: boolean;
  constructor(
    readonly array: unknown[] | null,
    readonly object: JsonObject | null,
    /** The top-level "data" array: its elements are emitted, not stored. */
    readonly isData: boolean,
  ) {
    this.isArray = object === null;
  }
}

export interface SquadJsonHandlers {
  /** Called with each complete element of the top-level "data" array, in order. */
  onDataElement(value: unknown, index: number): void;
}

export class SquadJsonStream {
  private state = ST_VALUE;
  private readonly stack: Frame[] = [];
  private root: JsonObject | null = null;
  private sawData = false;
  private sawNonSpace = false;

  private str = '';
  private strIsKey = false;
  private hex = 0;
  private hexDigits = 0;
  private token = '';

  /** Absolute positions of the start of the current chunk and of the current line. */
  private base = 0;
  private byteBase = 0;
  private line = 1;
  private lineStart = 0;

  private failure: JsonFatal | null = null;

  constructor(private readonly handlers: SquadJsonHandlers) {}

  get fatal(): JsonFatal | null {
    return this.failure;
  }

  /** The top-level object (without "data") once the input is complete. */
  get topLevel(): JsonObject | null {
    return this.state === ST_DONE ? this.root : null;
  }

  get charsConsumed(): number {
    return this.base;
  }

  get bytesConsumed(): number {
    return this.byteBase;
  }

  /** Feeds the next piece of text. Returns false once the input is known to be unreadable. */
  push(chunk: string): boolean {
    if (this.state === ST_FAILED) return false;
    if (this.base === 0 && !this.sawNonSpace && chunk.charCodeAt(0) === 0xfeff) {
      // A UTF-8 byte-order mark is not JSON but editors write it; skip it rather than reject the file.
      this.byteBase += 3;
      this.base += 1;
      this.lineStart += 1;
      chunk = chunk.slice(1);
    }
    this.scan(chunk);
    if (this.state === ST_FAILED) return false;
    this.base += chunk.length;
    this.byteBase += utf8Length(chunk);
    return true;
  }

  /** Signals the end of the input; afterwards `fatal` or `topLevel` says how it went. */
  end(): void {
    if (this.state === ST_FAILED || this.state === ST_DONE) return;
    const pos = this.positionAt('', 0);
    if (!this.sawNonSpace) this.failAt(pos, 'empty input: the file holds no JSON value');
    else this.failAt(pos, 'unexpected end of input: the file is truncated or a bracket is not closed');
  }

  private scan(s: string): void {
    const n = s.length;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state === ST_STRING) {
        // Hot loop: most of a SQuAD file is string content without escapes.
        let j = i;
        let c = 0;
        for (; j < n; j++) {
          c = s.charCodeAt(j);
          if (c === 34 || c === 92 || c < 32) break;
        }
        if (j > i) this.str += s.slice(i, j);
        if (j === n) return;
        if (c === 34) {
          i = j + 1;
          this.finishString();
        } else if (c === 92) {
          i = j + 1;
          this.state = ST_ESCAPE;
        } else {
          this.fail(s, j, `unescaped control character U+${hex4(c)} inside a string`);
        }
        if (this.state === ST_FAILED) return;
        continue;
      }
      const c = s.charCodeAt(i);
      if (state === ST_ESCAPE) {
        const e = escapeChar(c);
        if (e !== null) {
          this.str += e;
          this.state = ST_STRING;
        } else if (c === 117) {
          this.hex = 0;
          this.hexDigits = 0;
          this.state = ST_HEX;
        } else {
          this.fail(s, i, `invalid escape "\\${String.fromCharCode(c)}" in a string`);
          return;
        }
        i++;
        continue;
      }
      if (state === ST_HEX) {
        const d = hexValue(c);
        if (d < 0) {
          this.fail(s, i, 'invalid \\u escape: expected 4 hexadecimal digits');
          return;
        }
        this.hex = this.hex * 16 + d;
        if (++this.hexDigits === 4) {
          this.str += String.fromCharCode(this.hex);
          this.state = ST_STRING;
        }
        i++;
        continue;
      }
      if (state === ST_NUMBER) {
        if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) {
          this.token += s[i];
          i++;
        } else {
          this.finishNumber(s, i);
          if (this.state === ST_FAILED) return;
        }
        continue;
      }
      if (state === ST_LITERAL) {
        if (c >= 97 && c <= 122) {
          this.token += s[i];
          i++;
        } else {
          this.finishLiteral(s, i);
          if (this.state === ST_FAILED) return;
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 13) {
        i++;
        continue;
      }
      if (c === 10) {
        this.line++;
        this.lineStart = this.base + i + 1;
        i++;
        continue;
      }
      this.sawNonSpace = true;
      switch (state) {
        case ST_VALUE:
        case ST_VALUE_OR_CLOSE:
          if (c === 93 && state === ST_VALUE_OR_CLOSE) {
            this.close(s, i);
            i++;
          } else if (this.beginValue(s, i, c)) i++;
          break;
        case ST_KEY_OR_CLOSE:
        case ST_KEY:
          if (c === 34) {
            this.str = '';
            this.strIsKey = true;
            this.state = ST_STRING;
          } else if (c === 125 && state === ST_KEY_OR_CLOSE) this.close(s, i);
          else
            this.fail(
              s,
              i,
              state === ST_KEY
                ? `expected a quoted property name after ',', got ${describeChar(c)}`
                : `expected a quoted property name or '}', got ${describeChar(c)}`,
            );
          i++;
          break;
        case ST_COLON:
          if (c === 58) this.state = ST_VALUE;
          else this.fail(s, i, `expected ':' after a property name, got ${describeChar(c)}`);
          i++;
          break;
        case ST_AFTER: {
          const top = this.stack[this.stack.length - 1];
          if (c === 44) this.state = top.isArray ? ST_VALUE : ST_KEY;
          else if (c === (top.isArray ? 93 : 125)) this.close(s, i);
          else this.fail(s, i, `expected ',' or '${top.isArray ? ']' : '}'}', got ${describeChar(c)}`);
          i++;
          break;
        }
        case ST_DONE:
          this.fail(s, i, `unexpected ${describeChar(c)} after the end of the top-level object`);
          return;
        default:
          return;
      }
      if (this.state === ST_FAILED) return;
    }
  }

  /** Starts the value at s[i]; returns true when that character was consumed. */
  private beginValue(s: string, i: number, c: number): boolean {
    const depth = this.stack.length;
    if (depth === 0 && c !== 123) {
      if (!startsJsonValue(c)) {
        this.fail(s, i, `not JSON: unexpected ${describeChar(c)} where the file should start with '{'`);
        return false;
      }
      this.fail(
        s,
        i,
        `the top level is not a SQuAD object: expected '{' with "version" and "data", got ${describeValueStart(c)}`,
      );
      return false;
    }
    const dataSlot = depth === 1 && this.stack[0].key === 'data';
    if (dataSlot) {
      if (this.sawData) {
        this.fail(s, i, 'the top-level object has "data" twice');
        return false;
      }
      if (c !== 91) {
        this.fail(s, i, `"data" must be an array of articles, got ${describeValueStart(c)}`);
        return false;
      }
      this.sawData = true;
    }
    if (c === 123) {
      const obj: JsonObject = {};
      if (depth === 0) this.root = obj;
      this.stack.push(new Frame(null, obj, false));
      this.state = ST_KEY_OR_CLOSE;
      return true;
    }
    if (c === 91) {
      this.stack.push(new Frame(dataSlot ? null : [], null, dataSlot));
      this.state = ST_VALUE_OR_CLOSE;
      return true;
    }
    if (c === 34) {
      this.str = '';
      this.strIsKey = false;
      this.state = ST_STRING;
      return true;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      this.token = '';
      this.state = ST_NUMBER;
      return false;
    }
    if (c >= 97 && c <= 122) {
      this.token = '';
      this.state = ST_LITERAL;
      return false;
    }
    this.fail(s, i, `unexpected ${describeChar(c)} where a value should start`);
    return false;
  }

  private finishString(): void {
    if (this.strIsKey) {
      this.stack[this.stack.length - 1].key = this.str;
      this.state = ST_COLON;
    } else this.complete(this.str);
    this.str = '';
  }

  private finishNumber(s: string, i: number): void {
    const t = this.token;
    if (!NUMBER_RE.test(t)) {
      this.fail(s, i - t.length, `invalid number "${t}"`);
      return;
    }
    this.complete(Number(t));
  }

  private finishLiteral(s: string, i: number): void {
    const t = this.token;
    const v = t === 'true' ? true : t === 'false' ? false : t === 'null' ? null : undefined;
    if (v === undefined) {
      this.fail(s, i - t.length, `unexpected word "${t.slice(0, 20)}" where a value should start`);
      return;
    }
    this.complete(v);
  }

  private close(s: string, i: number): void {
    const frame = this.stack.pop() as Frame;
    if (this.stack.length === 0 && !this.sawData) {
      this.fail(s, i, 'the top-level object has no "data" array');
      return;
    }
    this.complete(frame.array ?? frame.object);
  }

  private complete(value: unknown): void {
    const depth = this.stack.length;
    if (depth === 0) {
      this.state = ST_DONE;
      return;
    }
    const top = this.stack[depth - 1];
    if (top.isData) {
      this.handlers.onDataElement(value, top.index++);
    } else if (top.array) {
      top.array.push(value);
      top.index++;
    } else {
      const obj = top.object as JsonObject;
      const key = top.key as string;
      // Skip storing "data" on the root: its elements went out one by one.
      if (!(depth === 1 && key === 'data')) {
        if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        else obj[key] = value;
      }
      top.key = null;
    }
    this.state = ST_AFTER;
  }

  private positionAt(s: string, i: number): JsonPosition {
    const offset = this.base + i;
    return {
      offset,
      byteOffset: this.byteBase + utf8Length(s.slice(0, i)),
      line: this.line,
      column: offset - this.lineStart + 1,
    };
  }

  private fail(s: string, i: number, problem: string): void {
    this.failAt(this.positionAt(s, i), problem);
  }

  private failAt(pos: JsonPosition, problem: string): void {
    const path = this.currentPath();
    const where = `line ${pos.line}, column ${pos.column} (offset ${pos.offset})`;
    this.failure = {
      ...pos,
      problem,
      path,
      message: `${problem} at ${where}${path ? `, in ${path}` : ''}`,
    };
    this.state = ST_FAILED;
  }

  /** The JSON path of the value being read, e.g. data[3].paragraphs[0].context. */
  private currentPath(): string {
    let p = '';
    for (const f of this.stack) {
      if (!f.isArray) {
        if (f.key === null) continue;
        p += IDENT_RE.test(f.key) ? (p ? '.' : '') + f.key : `[${JSON.stringify(f.key)}]`;
      } else p += `[${f.index}]`;
    }
    return p;
  }
}

function escapeChar(c: number): string | null {
  switch (c) {
    case 34:
      return '"';
    case 92:
      return '\\';
    case 47:
      return '/';
    case 98:
      return '\b';
    case 102:
      return '\f';
    case 110:
      return '\n';
    case 114:
      return '\r';
    case 116:
      return '\t';
    default:
      return null;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

function describeChar(c: number): string {
  if (c >= 0x21 && c <= 0x7e) return `'${String.fromCharCode(c)}'`;
  return `character U+${hex4(c)}`;
}

function startsJsonValue(c: number): boolean {
  return c === 91 || c === 123 || c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110;
}

function describeValueStart(c: number): string {
  if (c === 91) return 'an array';
  if (c === 123) return 'an object';
  if (c === 34) return 'a string';
  if (c === 45 || (c >= 48 && c <= 57)) return 'a number';
  if (c === 116 || c === 102) return 'a boolean';
  if (c === 110) return 'null';
  return describeChar(c);
}

/** UTF-8 length of a string; a surrogate code unit counts 2 so that a pair split across chunks still sums to 4. */
export function utf8Length(s: string): number {
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}
