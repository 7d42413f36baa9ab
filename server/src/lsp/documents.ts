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

/** Findings are tracked at least every this many edits even when nothing reads them (GoSourceFile remembers 64). */
const MAX_UNTRACKED_EDITS = 32;

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

/**
 * Maps findings located in `from` (a version of the document) to `to`; gone ones are dropped.
 * `parseMoved`: whether an edit between them opened or closed a comment or a literal, which can
 * change the parse far from the edit (undefined: judged from the texts, exact for one edit).
 */
export function trackFindings(from: GoSourceFile, to: GoSourceFile, items: readonly TrackedFinding[], parseMoved?: boolean): TrackedFinding[] {
  if (from === to) return [...items];
  const moved = trackCore(from, to, items, parseMoved);
  const before = new Map<Finding, ByteRange>();
  for (const t of items) if (t.fixes !== null) before.set(t.finding, t.range);
  if (before.size === 0) return moved;
  const all = editsBetween(from, to);
  return moved.map((t) => {
    const origin = before.get(t.finding);
    if (t.fixes === null || !origin) return t;
    const fixes = moveFixes(from.lines, to, t.finding.file, origin, t.fixes, all);
    // A finding the edits left in place keeps its object when its fixes stayed too (publisher.ts reuses its diagnostic).
    return fixes !== null && t.range === origin && sameEdits(fixes, t.fixes) ? t : { ...t, fixes };
  });
}

/** Whether two lists of fixes have the same ids and edits at the same places. */
function sameEdits(a: readonly FindingFix[], b: readonly FindingFix[]): boolean {
  return (
    a.length === b.length &&
    a.every((f, i) => {
      const g = b[i]!;
      return (
        f.id === g.id &&
        f.edits.length === g.edits.length &&
        f.edits.every((e, k) => {
          const h = g.edits[k]!;
          return e.line === h.line && e.column === h.column && e.endLine === h.endLine && e.endColumn === h.endColumn && e.newText === h.newText;
        })
      );
    })
  );
}

/** Whether an edit's removed or inserted text can open or close a comment or a literal. */
export function changesParseAway(removed: string, inserted: string): boolean {
  return /[`"'*]|\/\*/.test(removed + inserted);
}

/**
 * The span the edits changed, as one edit: `[start, oldEnd)` of `from` became `[start, newEnd)` of
 * `to`; text before `start` and after the ends is the same in both. Edits are sequential (each in
 * the coordinates of the text before it), so a text position before every edit's start is never
 * moved, and one at least `min(length before edit k - its oldEnd)` from the end never changes.
 */
function changedSpan(from: GoSourceFile, to: GoSourceFile, edits: readonly OffsetEdit[]): OffsetEdit {
  let start = Infinity;
  let suffix = Infinity;
  let length = from.text.length;
  for (const e of edits) {
    start = Math.min(start, e.start);
    suffix = Math.min(suffix, length - e.oldEnd);
    length += e.newEnd - e.oldEnd;
  }
  return { start, oldEnd: from.text.length - suffix, newEnd: to.text.length - suffix };
}

function trackCore(from: GoSourceFile, to: GoSourceFile, items: readonly TrackedFinding[], parseMoved: boolean | undefined): TrackedFinding[] {
  const edits: OffsetEdit[] = editsBetween(from, to);
  if (edits.length === 0) return [...items];
  // Re-confirming every node costs a tree query per finding (thousands in a big file). Code away
  // from the edits keeps its parse unless an edit opened or closed a comment or a literal, so
  // those findings only shift; the ones near the edits are confirmed on the new tree.
  const local = parseMoved !== undefined ? !parseMoved : edits.every((e) => !changesParseAway(from.text.slice(e.start, e.oldEnd), to.text.slice(e.start, e.newEnd)));
  if (!local) return confirmAll(from, to, items, edits);
  // The work per finding is what the edit did to it: a finding before the changed span keeps its
  // object; one on a line after it moves by whole lines (no offsets); only the ones touching the
  // span (within a character) are mapped through the edits and confirmed on the new tree.
  const span = changedSpan(from, to, edits);
  const hiLine = from.lines.positionAt(span.oldEnd).line;
  const lineDelta = to.lines.positionAt(span.newEnd).line - hiLine;
  const offsetDelta = span.newEnd - span.oldEnd;
  const out: TrackedFinding[] = [];
  const check: TrackedFinding[] = [];
  for (const t of items) {
    if (t.nodeType === null) {
      check.push(t);
      continue;
    }
    const r = t.range;
    const s = from.lines.byteToOffset(r.line, r.column);
    const e = from.lines.byteToOffset(r.endLine, r.endColumn);
    if (e + 1 < span.start) out.push(t);
    else if (s > span.oldEnd + 1) {
      // A line that starts after the span reads the same in both texts: same columns, shifted line.
      if (r.line - 1 > hiLine) out.push(lineDelta === 0 ? t : { ...t, range: { line: r.line + lineDelta, column: r.column, endLine: r.endLine + lineDelta, endColumn: r.endColumn } });
      else out.push({ ...t, range: to.byteRange(s + offsetDelta, e + offsetDelta) });
    } else check.push(t);
  }
  return check.length === 0 ? out : [...out, ...confirmAll(from, to, check, edits)];
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
  private trackedAt: TrackedFinding[] = [];
  /**
   * The version of the text `trackedAt` is located in. Edits only move the text on: the findings
   * follow when they are next read (a publish, a hover, a code action), through all the edits
   * since at once, so a version superseded before anyone looked at it is never tracked.
   */
  private trackedIn: GoSourceFile | null = null;
  /** Edits applied since `trackedIn`. */
  private untracked = 0;
  /** Whether one of them opened or closed a comment or a literal (every finding is then re-confirmed). */
  private parseMoved = false;
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
    this.trackedIn = this.file;
  }

  /** The findings and where they are in the current text (tracked through the edits since they were last read). */
  get tracked(): TrackedFinding[] {
    if (this.file !== null && this.trackedIn !== null && this.trackedIn !== this.file) this.trackedAt = trackFindings(this.trackedIn, this.file, this.trackedAt, this.parseMoved);
    this.trackedIn = this.file;
    this.untracked = 0;
    this.parseMoved = false;
    return this.trackedAt;
  }

  /**
   * The findings on lines `line0`…`endLine0` (0-based) of the current text, tracked there, exactly
   * as `tracked` would place them; the others stay where they were read last. A hover between two
   * publishes tracks the few findings near it, not the thousands of a big file (at 100 edits a
   * second, hovers did most of the tracking). Candidates are the findings whose range meets the
   * lines mapped back through the edits; tracking moves each finding on its own, so a subset
   * tracks as the whole would.
   */
  trackedOnLines(line0: number, endLine0 = line0): TrackedFinding[] {
    const on = (t: TrackedFinding): boolean => t.range.line - 1 <= endLine0 && t.range.endLine - 1 >= line0;
    const from = this.trackedIn;
    const to = this.file;
    const edits = from !== null && to !== null && from !== to && !this.parseMoved ? to.editsSince(from) : null;
    if (from === null || to === null || edits === null) return this.tracked.filter(on);
    let s = to.lines.lineStart(Math.min(line0, to.lines.lineCount - 1));
    let e = to.lines.lineEnd(Math.min(endLine0, to.lines.lineCount - 1));
    // Back through the edits, last first: a point in inserted text goes to the start or the end of what it replaced.
    for (let i = edits.length - 1; i >= 0; i--) {
      const ed = edits[i]!;
      s = s <= ed.start ? s : s >= ed.newEnd ? s - (ed.newEnd - ed.oldEnd) : ed.start;
      e = e <= ed.start ? e : e >= ed.newEnd ? e - (ed.newEnd - ed.oldEnd) : ed.oldEnd;
    }
    // By lines first (1-based in ranges), then by offsets: most findings are far from the lines.
    const sLine = from.lines.positionAt(s).line;
    const eLine = from.lines.positionAt(e).line + 2;
    const near = this.trackedAt.filter((t) => {
      const r = t.range;
      if (r.endLine < sLine || r.line > eLine) return false;
      return from.lines.byteToOffset(r.endLine, r.endColumn) + 1 >= s && from.lines.byteToOffset(r.line, r.column) <= e + 1;
    });
    return trackFindings(from, to, near, false).filter(on);
  }

  /** Counts the times findings were set (new results, re-joined costs): tracking keeps the findings' objects in between. */
  findingsSet = 0;

  /** Findings located in the current text. */
  set tracked(items: TrackedFinding[]) {
    this.findingsSet++;
    this.trackedAt = items;
    this.trackedIn = this.file;
    this.untracked = 0;
    this.parseMoved = false;
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
    let file = this.file;
    for (const c of changes) {
      if ('range' in c) {
        const removed = file.text.slice(file.lines.offsetAt(c.range.start), file.lines.offsetAt(c.range.end));
        this.parseMoved ||= changesParseAway(removed, c.text);
        file = file.edit({ startLine0: c.range.start.line, startChar0: c.range.start.character, endLine0: c.range.end.line, endChar0: c.range.end.character, text: c.text });
      } else {
        this.parseMoved = true;
        file = GoSourceFile.parse(c.text);
      }
    }
    this.file = file;
    this.plain = { text: '', lines: file.lines };
    // Tracked when next read; but never across more edits than a file remembers (GoSourceFile's
    // history), past which the edits in between would collapse into one that swallows findings.
    this.untracked += changes.length;
    if (this.untracked >= MAX_UNTRACKED_EDITS) void this.tracked;
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
