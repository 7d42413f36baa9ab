// A parsed Go file: its text, line index and tree-sitter tree, edited incrementally while the user
// types. Mapping decisions onto nodes (nodeMapping.ts) and tracking ranges through edits
// (rangeTracking.ts) read it; it knows nothing of either.
//
// Units. node-tree-sitter 0.25 feeds a JS string to tree-sitter as UTF-16LE and divides every
// byte count it returns by 2 (src/conversions.cc, BYTES_PER_CHARACTER = 2): `startIndex`,
// `endIndex` and `Point.column` are all UTF-16 code units, rows are 0-based and split at "\n".
// Verified by experiment: in `var größe = "😀x"` the identifier spans columns 4–9 and the string
// literal 5 units, not bytes. So tree positions are LSP positions; everything the engine's syntax
// modules export is in `ByteRange` units (1-based lines, 1-based UTF-8 byte columns, end exclusive,
// as the Go compiler counts), except where a name or comment says LSP/UTF-16.
import type Parser from 'tree-sitter';
import type { ByteRange } from './types';
import { goParser as parser } from './goParser';
import { LineIndex, type LspPosition } from './positions';

/** An LSP-style edit: a 0-based UTF-16 range of the old text and its replacement. */
export interface LspTextChange {
  startLine0: number;
  startChar0: number;
  endLine0: number;
  endChar0: number;
  text: string;
}

/** One applied edit in UTF-16 offsets: `[start, oldEnd)` of the old text became `[start, newEnd)`. */
export interface OffsetEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** How many recent edits a file remembers, so tracking across a few versions stays precise. */
const HISTORY_LIMIT = 64;
let nextVersion = 1;

/**
 * A parsed Go file. Immutable: `edit` returns a new file and leaves this one usable.
 * Every node object handed to JS stays cached by node-tree-sitter and is updated by each later
 * edit of that tree, so a live (edited) file should not be queried node by node: map decisions on
 * a file parsed from the compiled text, then `trackRanges` from it to the live file.
 */
export class GoSourceFile {
  readonly text: string;
  readonly lines: LineIndex;
  /** Unique per instance; tracking uses it to find the edits between two files. */
  readonly version: number;
  /** The last edits that led to this file: each takes version `from` to the next. */
  private readonly history: ReadonlyArray<{ from: number; edit: OffsetEdit }>;
  private currentTree: Parser.Tree | null;
  /**
   * An older version's tree, edited to this text's coordinates but not parsed again yet: the parse
   * waits until the tree is read, so a burst of edits costs one incremental parse, not one each.
   */
  private editedTree: Parser.Tree | null;

  private constructor(text: string, tree: Parser.Tree | null, lines: LineIndex, history: ReadonlyArray<{ from: number; edit: OffsetEdit }>, editedTree: Parser.Tree | null = null) {
    this.text = text;
    this.currentTree = tree;
    this.editedTree = editedTree;
    this.lines = lines;
    this.version = nextVersion++;
    this.history = history;
  }

  /** Parses `text` from scratch. */
  static parse(text: string): GoSourceFile {
    return new GoSourceFile(text, parser().parse(text), new LineIndex(text), []);
  }

  /** The syntax tree (positions in UTF-16 units, see the top of this file). */
  get tree(): Parser.Tree {
    // `edit` hands this file's tree to the incremental parse (tree-sitter edits trees in place
    // and node-tree-sitter has no Tree.copy); re-parse only if this old version is queried again.
    if (!this.currentTree) {
      this.currentTree = this.editedTree ? parser().parse(this.text, this.editedTree) : parser().parse(this.text);
      this.editedTree = null;
    }
    return this.currentTree;
  }

  /**
   * Applies an LSP range edit (0-based lines, UTF-16 characters, clamped into the text)
   * incrementally and returns the new file; this file stays valid. The new file's tree is parsed
   * when it is first read (incrementally, from this file's tree with the edits since).
   */
  edit(change: LspTextChange): GoSourceFile {
    const a = this.lines.offsetAt({ line: change.startLine0, character: change.startChar0 });
    const b = this.lines.offsetAt({ line: change.endLine0, character: change.endChar0 });
    const start = Math.min(a, b);
    const oldEnd = Math.max(a, b);
    const text = this.text.slice(0, start) + change.text + this.text.slice(oldEnd);
    const newEnd = start + change.text.length;
    const lines = this.lines.withEdit(start, oldEnd, change.text, text);
    // The tree to edit without parsing: this file's, or the older one it was not parsed from yet.
    const old = this.currentTree ?? this.editedTree;
    this.currentTree = null;
    this.editedTree = null;
    old?.edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: pointAt(this.lines, start),
      oldEndPosition: pointAt(this.lines, oldEnd),
      newEndPosition: pointAt(lines, newEnd),
    });
    const history = [...this.history, { from: this.version, edit: { start, oldEnd, newEnd } }].slice(-HISTORY_LIMIT);
    return new GoSourceFile(text, null, lines, history, old);
  }

  /** Converts UTF-16 offsets to a ByteRange. */
  byteRange(start: number, end: number): ByteRange {
    const s = this.lines.offsetToByte(start);
    const e = this.lines.offsetToByte(end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }

  /** The text a ByteRange covers (byteRange's inverse). */
  textOf(r: ByteRange): string {
    return this.text.slice(this.lines.byteToOffset(r.line, r.column), this.lines.byteToOffset(r.endLine, r.endColumn));
  }

  /** Converts a ByteRange to an LSP range (0-based, UTF-16). */
  lspRange(r: ByteRange): { start: LspPosition; end: LspPosition } {
    return this.lines.lspRange(r);
  }

  /** The edits from `older` to this file in order, or null when `older` is not among the remembered ancestors. */
  editsSince(older: GoSourceFile): OffsetEdit[] | null {
    if (older.version === this.version) return [];
    const i = this.history.findIndex((h) => h.from === older.version);
    return i < 0 ? null : this.history.slice(i).map((h) => h.edit);
  }
}

/** The tree-sitter point (row, UTF-16 column) of an offset, counting "\r" as part of its line as tree-sitter does. */
function pointAt(lines: LineIndex, offset: number): Parser.Point {
  const row = lines.positionAt(offset).line;
  return { row, column: offset - lines.lineStart(row) };
}
