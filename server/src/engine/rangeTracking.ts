// Tracking ranges through edits.
//
// The language server re-publishes diagnostics after each edit without recompiling, so each
// range must move with its code, and must disappear rather than sit on code it is not about.
// A range is mapped through the edits by offsets only (before an edit: unchanged; after: shifted;
// containing it: grows or shrinks), then confirmed in the new tree: a node of the same type must
// span exactly the mapped range, and a name (identifier) must still read the same. Anything else
// (the node was deleted, an edit crossed its boundary, an unclosed comment swallowed it) gives null.
import type Parser from 'tree-sitter';
import { IDENTIFIER_TYPES } from './nodeMapping';
import type { GoSourceFile, OffsetEdit } from './sourceFile';
import { gotoChildEndingAfter } from './treeCursor';
import type { ByteRange } from './types';

/** One range to track and the type of the node it spans (as `anchorForDecision` gives them). */
export interface TrackedItem {
  range: ByteRange;
  nodeType: string;
}

/** Maps `range` (spanning a node of `nodeType` in `oldFile`) to the same node in `newFile`, or null when that node is gone. */
export function trackRange(oldFile: GoSourceFile, newFile: GoSourceFile, range: ByteRange, nodeType: string): ByteRange | null {
  return trackRanges(oldFile, newFile, [{ range, nodeType }])[0] ?? null;
}

/**
 * Maps many ranges at once (the per-edit cost of the language server): each result is the
 * range of the same node in `newFile`, or null when it is gone. Works for any two versions:
 * through the remembered edits when `newFile` descends from `oldFile`, otherwise through the one
 * edit that the common prefix and suffix of the two texts imply.
 */
export function trackRanges(oldFile: GoSourceFile, newFile: GoSourceFile, items: readonly TrackedItem[]): Array<ByteRange | null> {
  const edits = newFile.editsSince(oldFile) ?? diffEdit(oldFile.text, newFile.text);
  // A cursor, not nodes: every node object handed to JS is cached by node-tree-sitter and
  // updated by every later `tree.edit`, which would make the next keystroke slower.
  const cursor = newFile.tree.walk();
  return items.map(({ range, nodeType }) => {
    const s = oldFile.lines.byteToOffset(range.line, range.column);
    const e = oldFile.lines.byteToOffset(range.endLine, range.endColumn);
    if (e <= s) return null;
    const leafText = IDENTIFIER_TYPES.includes(nodeType) ? oldFile.text.slice(s, e) : null;
    for (const [ns, ne] of mapThroughEdits(s, e, edits)) {
      if (ne <= ns) continue;
      if (leafText !== null && newFile.text.slice(ns, ne) !== leafText) continue;
      if (hasNodeSpanning(cursor, ns, ne, nodeType)) return newFile.byteRange(ns, ne);
    }
    return null;
  });
}

/** The single edit that turns `a` into `b`: everything between their common prefix and suffix. */
export function diffEdit(a: string, b: string): OffsetEdit[] {
  if (a === b) return [];
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let q = 0;
  while (q < max - p && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
  return [{ start: p, oldEnd: a.length - q, newEnd: b.length - q }];
}

/**
 * Candidate positions of `[s, e)` after the edits, most likely first: unchanged before an edit,
 * shifted after it, grown or shrunk when it contains the edit (both when the edit only touches it).
 */
export function mapThroughEdits(s: number, e: number, edits: readonly OffsetEdit[]): Array<[number, number]> {
  let candidates: Array<[number, number]> = [[s, e]];
  for (const ed of edits) {
    const d = ed.newEnd - ed.oldEnd;
    const next: Array<[number, number]> = [];
    for (const [cs, ce] of candidates) {
      if (ed.start >= ce) next.push([cs, ce]);
      else if (ed.oldEnd <= cs) next.push([cs + d, ce + d]);
      if (ed.start >= cs && ed.oldEnd <= ce) next.push([cs, ce + d]);
    }
    candidates = next.filter(([a, b], i) => next.findIndex(([x, y]) => x === a && y === b) === i).slice(0, 4);
    if (candidates.length === 0) break;
  }
  return candidates;
}

/** Whether the cursor's tree has a node of `type` spanning exactly `[s, e)` (UTF-16 offsets); descends from the root. */
function hasNodeSpanning(cursor: Parser.TreeCursor, s: number, e: number, type: string): boolean {
  while (cursor.gotoParent());
  for (;;) {
    const cs = cursor.startIndex;
    const ce = cursor.endIndex;
    if (cs > s || ce < e) return false;
    if (cs === s && ce === e && cursor.nodeType === type) return true;
    if (!gotoChildEndingAfter(cursor, s)) return false;
  }
}
