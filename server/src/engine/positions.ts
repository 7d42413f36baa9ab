// Converting between the Go compiler's positions and LSP positions.
//
// The Go compiler prints 1-based lines and 1-based columns counted in UTF-8 BYTES (a tab is 1,
// `é` is 2, `😀` is 4); column 0 means "no column" (printed when the column is 0 or ≥ 255).
// LSP (and node-tree-sitter, see sourceFile.ts) count 0-based lines and 0-based UTF-16 code units
// (`é` is 1, `😀` is 2). Lines end at "\n"; a "\r" right before it belongs to the terminator,
// never to the line's text. A lone "\r" is not a line break here, as for the Go compiler and
// tree-sitter (gofmt never leaves one).

/** An LSP position: 0-based line, 0-based UTF-16 code units. */
import type { ByteRange } from './types';

export interface LspPosition {
  line: number;
  character: number;
}

/** A Go compiler position: 1-based line, 1-based UTF-8 byte column. */
export interface GoPosition {
  line: number;
  column: number;
}

/** Returns how many UTF-8 bytes the UTF-16 code unit at `i` of `s` contributes (surrogate pairs: 4 for the pair, split 2 + 2). */
function utf8BytesAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  // A surrogate pair is one 4-byte code point; count 2 bytes for each half.
  if (c >= 0xd800 && c <= 0xdfff) return 2;
  return 3;
}

/** Returns true when `s` holds only ASCII, where bytes and UTF-16 units coincide. */
export function isAscii(s: string): boolean {
  return !/[\u0080-\uffff]/.test(s);
}

/**
 * Returns the 0-based UTF-16 character of a 1-based byte column within one line's text,
 * clamped to the line's length; a column inside a multi-byte character rounds down to its start.
 */
export function byteColumnToCharacter(lineText: string, byteCol1: number): number {
  const target = Math.max(0, byteCol1 - 1);
  let bytes = 0;
  let i = 0;
  while (i < lineText.length) {
    const c = lineText.charCodeAt(i);
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < lineText.length ? 2 : 1;
    const size = width === 2 ? 4 : utf8BytesAt(lineText, i);
    if (bytes + size > target) return i;
    bytes += size;
    i += width;
  }
  return lineText.length;
}

/**
 * Returns the 1-based byte column of a 0-based UTF-16 character within one line's text,
 * clamped to the line's end; a character inside a surrogate pair rounds down to the pair's start.
 */
export function characterToByteColumn(lineText: string, character: number): number {
  let end = Math.max(0, Math.min(character, lineText.length));
  const c = lineText.charCodeAt(end - 1);
  if (end > 0 && end < lineText.length && c >= 0xd800 && c <= 0xdbff) end--;
  let bytes = 0;
  for (let i = 0; i < end; i++) bytes += utf8BytesAt(lineText, i);
  return bytes + 1;
}

/** Returns the 0-based UTF-16 index of the first character of `lineText` that is not a space or tab (its length when there is none). */
export function firstNonBlank(lineText: string): number {
  const m = /[^ \t]/.exec(lineText);
  return m ? m.index : lineText.length;
}

/**
 * Line starts of one text, for converting positions in O(1) per line (ASCII) or O(line length)
 * (non-ASCII lines), and offsets to positions in O(log lines). Building it is one pass of
 * `indexOf('\n')`, cheap for a 5,000-line file.
 */
export class LineIndex {
  readonly text: string;
  /** UTF-16 offset of the first character of each line. */
  private readonly starts: Uint32Array;
  /** Per line: 0 unknown, 1 ASCII, 2 non-ASCII; all 1 when the whole text is ASCII. */
  private readonly ascii: Uint8Array;

  constructor(text: string, starts?: Uint32Array, ascii?: Uint8Array) {
    this.text = text;
    if (starts && ascii) {
      this.starts = starts;
      this.ascii = ascii;
      return;
    }
    const found: number[] = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) found.push(i + 1);
    this.starts = Uint32Array.from(found);
    this.ascii = new Uint8Array(found.length);
    if (isAscii(text)) this.ascii.fill(1);
  }

  /**
   * The index of `newText`, which is this text with UTF-16 range `[start, oldEnd)` replaced by
   * `inserted`: unchanged lines are copied or shifted instead of scanning the whole text again.
   */
  withEdit(start: number, oldEnd: number, inserted: string, newText: string): LineIndex {
    const first = this.positionAt(start).line; // lines up to here keep their start
    const last = this.positionAt(oldEnd).line; // lines after here shift by delta
    const added: number[] = [];
    for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) added.push(start + i + 1);
    const tail = this.starts.length - (last + 1);
    const starts = new Uint32Array(first + 1 + added.length + tail);
    starts.set(this.starts.subarray(0, first + 1));
    starts.set(added, first + 1);
    const delta = inserted.length - (oldEnd - start);
    const base = first + 1 + added.length;
    for (let k = 0; k < tail; k++) starts[base + k] = this.starts[last + 1 + k]! + delta;
    const ascii = new Uint8Array(starts.length);
    ascii.set(this.ascii.subarray(0, first));
    ascii.set(this.ascii.subarray(last + 1), base);
    return new LineIndex(newText, starts, ascii);
  }

  /** The number of lines (a final line without "\n" counts; a text ending in "\n" has an empty last line). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** The UTF-16 offset where 0-based line `line0` starts (clamped to the text). */
  lineStart(line0: number): number {
    return this.starts[this.clampLine0(line0)]!;
  }

  /** The UTF-16 offset where the text of 0-based line `line0` ends, before "\r\n" or "\n". */
  lineEnd(line0: number): number {
    const l = this.clampLine0(line0);
    if (l + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[l + 1]! - 1;
    if (end > this.starts[l]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The text of 0-based line `line0` without its line terminator. */
  lineText(line0: number): string {
    return this.text.slice(this.lineStart(line0), this.lineEnd(line0));
  }

  /** Converts a Go position (1-based line, 1-based byte column; 0 = no column → first non-blank) to an LSP position, clamped into the text. */
  byteColumnToUtf16(line1: number, byteCol1: number): LspPosition {
    const line = this.clampLine0(line1 - 1);
    const start = this.starts[line]!;
    const len = this.lineEnd(line) - start;
    if (byteCol1 <= 0) return { line, character: firstNonBlank(this.lineText(line)) };
    if (this.isAsciiLine(line)) return { line, character: Math.min(byteCol1 - 1, len) };
    return { line, character: byteColumnToCharacter(this.lineText(line), byteCol1) };
  }

  /** Converts an LSP position (0-based line, UTF-16 character) to a Go position (1-based line, 1-based byte column), clamped into the text. */
  utf16ToByteColumn(line0: number, character: number): GoPosition {
    const line = this.clampLine0(line0);
    const len = this.lineEnd(line) - this.starts[line]!;
    if (this.isAsciiLine(line)) return { line: line + 1, column: Math.max(0, Math.min(character, len)) + 1 };
    return { line: line + 1, column: characterToByteColumn(this.lineText(line), character) };
  }

  /** The UTF-16 offset of an LSP position, clamped to its line's text. */
  offsetAt(pos: LspPosition): number {
    const line = this.clampLine0(pos.line);
    const start = this.starts[line]!;
    return start + Math.max(0, Math.min(pos.character, this.lineEnd(line) - start));
  }

  /** The LSP position of a UTF-16 offset (clamped to the text); an offset inside "\r\n" maps to the line's end. */
  positionAt(offset: number): LspPosition {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(o, this.lineEnd(lo)) - this.starts[lo]! };
  }

  /** A byte range (1-based lines, byte columns, end exclusive) as an LSP range (0-based, UTF-16). */
  lspRange(r: ByteRange): { start: LspPosition; end: LspPosition } {
    return { start: this.byteColumnToUtf16(r.line, r.column), end: this.byteColumnToUtf16(r.endLine, r.endColumn) };
  }

  /** The UTF-16 offset of a Go position (1-based line, 1-based byte column; 0 = first non-blank). */
  byteToOffset(line1: number, byteCol1: number): number {
    return this.offsetAt(this.byteColumnToUtf16(line1, byteCol1));
  }

  /** The Go position (1-based line, 1-based byte column) of a UTF-16 offset. */
  offsetToByte(offset: number): GoPosition {
    const p = this.positionAt(offset);
    return this.utf16ToByteColumn(p.line, p.character);
  }

  private clampLine0(line0: number): number {
    return Math.max(0, Math.min(line0, this.starts.length - 1));
  }

  private isAsciiLine(line0: number): boolean {
    let a = this.ascii[line0]!;
    if (a === 0) {
      a = isAscii(this.lineText(line0)) ? 1 : 2;
      this.ascii[line0] = a;
    }
    return a === 1;
  }
}
