// An open Go document and the findings it shows, kept on their syntax nodes between compiler
// runs: each edit is applied to the tree-sitter tree incrementally (GoSourceFile.edit) and every
// range is re-confirmed on the new tree (trackRanges). Ranges whose node is gone are dropped, so
// no squiggle sits on code it is not about.
import { readFileSync } from 'node:fs';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex } from '../engine/positions';
import { diffEdit, mapThroughEdits, trackRanges } from '../engine/rangeTracking';
import { GoSourceFile, type OffsetEdit } from '../engine/sourceFile';
import { gotoChildEndingAfter } from '../engine/treeCursor';
import type { ByteRange, Finding, FindingFix } from '../engine/types';
import type { FixContext } from '../fixes/fixTypes';
import { recheckFixes } from '../fixes/recheck';

/** Files larger than this are not parsed while typing: their diagnostics are dropped on the first edit. */
export const LIVE_TRACKING_LIMIT = 1 << 20;

/** Returns the text of a file on disk, or null when it cannot be read. */
export function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** A finding and where it is now in the document. */
export interface TrackedFinding {
  finding: Finding;
  /** Current range (1-based lines, byte columns) in the document's text. */
  range: ByteRange;
  /** Type of the node spanning the range; null when no node spans it exactly (tracked by offsets). */
  nodeType: string | null;
  /** Kept from the last good compile while the package does not compile. */
  stale: boolean;
  /**
   * The finding's fixes with their edits in the document's current coordinates; null once an
   * edit touched the code between the finding and its edits (the fix waits for the next compile).
   */
  fixes: FindingFix[] | null;
}

/**
 * The anchor of a range in a file: the type of the innermost non-ERROR node spanning exactly that
 * range, if any. For findings that were not mapped onto a node (fixes' and profiles' findings);
 * compiler lines carry their node's type (Finding.nodeType). Walks with a cursor: node objects
 * handed to JS stay cached by node-tree-sitter and are updated on every later edit of that tree,
 * which made edits slow.
 */
export function anchorIn(file: GoSourceFile, r: ByteRange): string | null {
  const s = file.lines.byteToOffset(r.line, r.column);
  const e = file.lines.byteToOffset(r.endLine, r.endColumn);
  if (e <= s) return null;
  const cursor = file.tree.walk();
  let found: string | null = null;
  for (;;) {
    const cs = cursor.startIndex;
    const ce = cursor.endIndex;
    if (cs > s || ce < e) return found;
    if (cs === s && ce === e && cursor.nodeType !== 'ERROR') found = cursor.nodeType;
    else if (found !== null) return found;
    if (!gotoChildEndingAfter(cursor, s)) return found;
  }
}

/** The edits from `from` to `to`: remembered ones, else the one edit their common prefix and suffix imply. */
export function editsBetween(from: GoSourceFile | string, to: GoSourceFile | string): OffsetEdit[] {
  if (typeof from !== 'string' && typeof to !== 'string') {
    const remembered = to.editsSince(from);
    if (remembered) return remembered;
  }
  return diffEdit(typeof from === 'string' ? from : from.text, typeof to === 'string' ? to : to.text);
}

/**
 * Moves a finding's fixes through edits, or returns null when an edit touches the span from the
 * finding to its farthest fix edit: applying a fix computed on other code could break the program
 * (a renamed loop variable, a changed loop bound), so it waits for the next compile instead.
 */
export function moveFixes(
  fromLines: LineIndex,
  toFile: { byteRange(s: number, e: number): ByteRange },
  file: string,
  range: ByteRange,
  fixes: readonly FindingFix[] | null,
  edits: readonly OffsetEdit[],
): FindingFix[] | null {
  if (fixes === null || fixes.length === 0 || edits.length === 0) return fixes === null ? null : [...fixes];
  const points: number[] = [fromLines.byteToOffset(range.line, range.column), fromLines.byteToOffset(range.endLine, range.endColumn)];
  for (const fix of fixes) {
    for (const e of fix.edits) {
      if (e.file !== file) return null;
      points.push(fromLines.byteToOffset(e.line, e.column), fromLines.byteToOffset(e.endLine, e.endColumn));
    }
  }
  let lo = Math.min(...points);
  let hi = Math.max(...points);
  for (const ed of edits) {
    // Touching counts: typing right at the insertion point of `v := v` changes what it inserts into.
    if (ed.start <= hi && ed.oldEnd >= lo) return null;
    if (ed.oldEnd < lo) {
      const d = ed.newEnd - ed.oldEnd;
      for (let i = 0; i < points.length; i++) points[i]! += d;
      lo += d;
      hi += d;
    }
  }
  let k = 2;
  return fixes.map((fix) => ({
    ...fix,
    edits: fix.edits.map((e) => {
      const r = toFile.byteRange(points[k]!, points[k + 1]!);
      k += 2;
      return { ...e, ...r };
    }),
  }));
}

/** Maps findings located in `from` (a version of the document) to `to`; gone ones are dropped. */
export function trackFindings(from: GoSourceFile, to: GoSourceFile, items: readonly TrackedFinding[]): TrackedFinding[] {
  if (from === to) return [...items];
  const moved = trackCore(from, to, items);
  const before = new Map<Finding, ByteRange>();
  for (const t of items) if (t.fixes !== null) before.set(t.finding, t.range);
  if (before.size === 0) return moved;
  const all = editsBetween(from, to);
  return moved.map((t) => {
    const origin = before.get(t.finding);
    return t.fixes === null || !origin ? t : { ...t, fixes: moveFixes(from.lines, to, t.finding.file, origin, t.fixes, all) };
  });
}

function trackCore(from: GoSourceFile, to: GoSourceFile, items: readonly TrackedFinding[]): TrackedFinding[] {
  const edits: OffsetEdit[] | null = editsBetween(from, to);
  // Re-confirming every node costs a tree query per finding (thousands in a big file). Code away
  // from the edits keeps its parse unless the edit opened or closed a comment or a literal, so
  // those findings only shift; the ones near an edit are confirmed on the new tree.
  const local = edits !== null && edits.every((e) => !/[`"'*]|\/\*/.test(from.text.slice(e.start, e.oldEnd) + to.text.slice(e.start, e.newEnd)));
  if (local && edits) {
    const near = (t: TrackedFinding): boolean => {
      const s = from.lines.byteToOffset(t.range.line, t.range.column);
      const e = from.lines.byteToOffset(t.range.endLine, t.range.endColumn);
      return edits.some((ed) => ed.start <= e + 1 && ed.oldEnd + 1 >= s) || t.nodeType === null;
    };
    const out: TrackedFinding[] = [];
    const check: TrackedFinding[] = [];
    // Edits are sequential: map each untouched range through all of them (shift only).
    for (const t of items) {
      if (near(t)) {
        check.push(t);
        continue;
      }
      const s = from.lines.byteToOffset(t.range.line, t.range.column);
      const e = from.lines.byteToOffset(t.range.endLine, t.range.endColumn);
      const c = mapThroughEdits(s, e, edits)[0];
      if (c) out.push({ ...t, range: to.byteRange(c[0], c[1]) });
    }
    return check.length === 0 ? out : [...out, ...confirmAll(from, to, check, edits)];
  }
  return confirmAll(from, to, items, edits);
}

function confirmAll(from: GoSourceFile, to: GoSourceFile, items: readonly TrackedFinding[], edits: ReturnType<GoSourceFile['editsSince']>): TrackedFinding[] {
  const withNode = items.filter((t) => t.nodeType !== null);
  const mapped = trackRanges(
    from,
    to,
    withNode.map((t) => ({ range: t.range, nodeType: t.nodeType as string })),
  );
  const out: TrackedFinding[] = [];
  withNode.forEach((t, i) => {
    const r = mapped[i];
    if (r) out.push({ ...t, range: r });
  });
  // Ranges with no node of their own (compile errors at odd places) follow by offsets only.
  for (const t of items) {
    if (t.nodeType !== null) continue;
    const s = from.lines.byteToOffset(t.range.line, t.range.column);
    const e = from.lines.byteToOffset(t.range.endLine, t.range.endColumn);
    const c = edits ? mapThroughEdits(s, e, edits)[0] : undefined;
    if (c) out.push({ ...t, range: to.byteRange(c[0], c[1]) });
  }
  return out;
}

/** One document the editor has open. */
export class OpenDocument {
  readonly uri: string;
  readonly path: string;
  version: number;
  /** The parsed text; null for files over LIVE_TRACKING_LIMIT. */
  file: GoSourceFile | null;
  /** Current text and its line index (the file's own when parsed). */
  private plain: { text: string; lines: LineIndex };
  tracked: TrackedFinding[] = [];
  /** True once the text was edited after the last results were applied (fixes are then withheld). */
  editedSinceResults = false;
  /** True once the document differs from what was last saved or opened. */
  dirty = false;
  /** The text the fixes were found on and what else their finders read: to re-check them after an edit. */
  fixBasis: { compiledText: string; context: FixContext } | null = null;
  /** The fixes that passed the re-check on the current version (computed on demand). */
  private rechecked: { version: number; live: ReadonlySet<FindingFix> } | null = null;

  constructor(uri: string, path: string, version: number, text: string) {
    this.uri = uri;
    this.path = path;
    this.version = version;
    this.file = text.length > LIVE_TRACKING_LIMIT ? null : GoSourceFile.parse(text);
    this.plain = { text, lines: this.file ? this.file.lines : new LineIndex(text) };
  }

  get text(): string {
    return this.file ? this.file.text : this.plain.text;
  }

  get lines(): LineIndex {
    return this.file ? this.file.lines : this.plain.lines;
  }

  /** Whether live tracking is off for this document (too large). */
  get large(): boolean {
    return this.file === null;
  }

  /** Applies the editor's changes in order and moves every finding with its node. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    this.version = version;
    this.dirty = true;
    this.editedSinceResults = true;
    if (this.file === null) {
      let text = this.plain.text;
      for (const c of changes) {
        if ('range' in c) {
          const lines = new LineIndex(text);
          text = text.slice(0, lines.offsetAt(c.range.start)) + c.text + text.slice(lines.offsetAt(c.range.end));
        } else text = c.text;
      }
      this.plain = { text, lines: new LineIndex(text) };
      this.tracked = [];
      return;
    }
    const before = this.file;
    let file = before;
    for (const c of changes) {
      file =
        'range' in c
          ? file.edit({ startLine0: c.range.start.line, startChar0: c.range.start.character, endLine0: c.range.end.line, endChar0: c.range.end.character, text: c.text })
          : GoSourceFile.parse(c.text);
    }
    this.file = file;
    this.plain = { text: '', lines: file.lines };
    this.tracked = trackFindings(before, file, this.tracked);
  }

  /**
   * Shows new results: `findings` are located in `compiled` (the text the compiler saw for this
   * file, or that text parsed); they are mapped onto the current text.
   */
  setFindings(findings: readonly Finding[], compiled: string | GoSourceFile, stale: ReadonlyArray<Finding> = [], fixContext: FixContext | null = null): void {
    const compiledText = typeof compiled === 'string' ? compiled : compiled.text;
    this.fixBasis = fixContext ? { compiledText, context: fixContext } : null;
    this.rechecked = null;
    if (this.file === null) {
      // No tree for huge files: show results only when the text is exactly what was compiled.
      this.tracked =
        compiledText === this.plain.text
          ? [
              ...stale.map((f) => ({ finding: f, range: rangeOf(f), nodeType: null, stale: true, fixes: null })),
              ...findings.map((f) => ({ finding: f, range: rangeOf(f), nodeType: null, stale: false, fixes: f.fixes.length > 0 ? f.fixes : null })),
            ]
          : [];
      this.editedSinceResults = false;
      return;
    }
    // Ranges are tracked from a tree of the compiled text, never from the live one (see GoSourceFile).
    const source = typeof compiled === 'string' || compiled === this.file ? GoSourceFile.parse(compiledText) : compiled;
    const items: TrackedFinding[] = findings.map((f) => ({
      finding: f,
      range: rangeOf(f),
      // Compiler lines carry the type of the node they were mapped onto, in the compiled text; the
      // fixes' and the profile's findings have none, so theirs is looked up in that text.
      nodeType: f.nodeType !== undefined ? f.nodeType : anchorIn(source, f),
      stale: false,
      fixes: f.fixes.length > 0 ? f.fixes : null,
    }));
    const now = new Map(this.tracked.map((t) => [t.finding, t] as const));
    const kept: TrackedFinding[] = [];
    for (const f of stale) {
      // Findings of the last good compile stay where they are tracked now, marked stale (their fixes withheld).
      const t = now.get(f);
      if (t) kept.push({ ...t, stale: true, fixes: null });
    }
    this.tracked = [...kept, ...trackFindings(source, this.file, items)];
    this.editedSinceResults = compiledText !== this.file.text;
  }

  /**
   * The fixes that may be offered now: all live ones while the text is the one they were found
   * on; after an unsaved edit anywhere, only those their finder still offers, with the same
   * edits, on the current text (fixes/recheck.ts); none when that cannot be checked.
   */
  fixesNow(): ReadonlySet<FindingFix> {
    const all = this.tracked.flatMap((t) => (t.fixes && !t.stale ? t.fixes : []));
    if (!this.editedSinceResults) return new Set(all);
    if (!this.file || !this.fixBasis) return new Set();
    if (this.rechecked?.version !== this.version) {
      const { compiledText, context } = this.fixBasis;
      this.rechecked = { version: this.version, live: recheckFixes(context, compiledText, this.file, editsBetween(compiledText, this.file), all) };
    }
    return this.rechecked.live;
  }
}

function rangeOf(f: Finding): ByteRange {
  return { line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn };
}
