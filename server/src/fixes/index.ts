// Heapscope's fixes — one module per fix — and the entry points the language server and the CLI
// use: findFixes (findings with fixes for one file) and applyEdits. What each fix is (title, kind,
// description) is in the fixes table of the registry, server/src/engine/kinds.ts; this file
// attaches each fix id's finder.
//
// findFixes returns NEW findings only, each carrying its fix; it never modifies the compiler
// findings it is given (those are evidence: escape.moved positions for copy-loop-var, profile
// costs on the same line for the severity of prealloc/sprintf hints).
import { LineIndex } from '../engine/positions';
import { allFixes, type FixId } from '../engine/kinds';
import type { Finding, FindingEdit } from '../engine/types';
import { findCopyLoopVar } from './copyLoopVar';
import type { FixInput } from './fixTypes';
import { findPrealloc } from './prealloc';
import { findSprintfItoa } from './sprintfItoa';

export type { FixInput, GoVersionInfo } from './fixTypes';

/** Finds the findings one fix applies to in one file, each carrying the fix. */
export type FixFinder = (input: FixInput) => Finding[];

/** Every fix's finder: a fix in the registry without one here does not compile. */
const FINDERS: Record<FixId, FixFinder> = {
  'copy-loop-var': findCopyLoopVar,
  'prealloc-slice': (input) => findPrealloc(input, 'slice', { kind: 'prealloc.slice', fixId: 'prealloc-slice' }),
  'prealloc-map': (input) => findPrealloc(input, 'map', { kind: 'prealloc.map', fixId: 'prealloc-map' }),
  'sprintf-itoa': findSprintfItoa,
};

/** Findings with fixes for one file (new findings; the given compiler findings are only evidence), from the fixes in `only` or all. */
export function findFixes(input: FixInput, only?: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const fix of allFixes()) {
    if (only && !only.includes(fix.id)) continue;
    out.push(...FINDERS[fix.id](input));
  }
  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}

/** An edit that cannot be applied: outside the text, reversed, or overlapping another. */
export class EditError extends Error {}

/** The byte length of a string in UTF-8. */
function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Applies byte-range edits (1-based lines, 1-based UTF-8 byte columns, end exclusive) to `text`; throws EditError when they are invalid or overlap. Identical duplicate edits count once. */
export function applyEdits(text: string, edits: readonly FindingEdit[]): string {
  const lines = new LineIndex(text);
  const toOffset = (line: number, column: number): number => {
    if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || line > lines.lineCount || column < 1) {
      throw new EditError(`position ${line}:${column} is outside the text`);
    }
    if (column > utf8Length(lines.lineText(line - 1)) + 1) throw new EditError(`column ${column} is past the end of line ${line}`);
    return lines.byteToOffset(line, column);
  };
  const resolved = edits.map((e) => ({ start: toOffset(e.line, e.column), end: toOffset(e.endLine, e.endColumn), text: e.newText }));
  const unique = resolved.filter((e, i) => resolved.findIndex((o) => o.start === e.start && o.end === e.end && o.text === e.text) === i);
  unique.sort((a, b) => a.start - b.start || a.end - b.end);
  for (const e of unique) if (e.end < e.start) throw new EditError('an edit ends before it starts');
  let previous: (typeof unique)[number] | undefined;
  for (const e of unique) {
    // Touching is fine; two insertions at one point (or any shared text) have no defined order.
    if (previous && (e.start < previous.end || (e.start === previous.start && e.start === e.end && previous.start === previous.end))) {
      throw new EditError('edits overlap');
    }
    previous = e;
  }
  // From the end backwards, so that each edit's offsets still refer to the original text.
  let out = text;
  for (const e of [...unique].reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Whether two edits make the same change: the same text over the same range of the same file. */
export function sameEdit(a: FindingEdit, b: FindingEdit): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn && a.newText === b.newText;
}

/** Orders two positions (1-based line, byte column): negative when the first comes first. */
function comparePositions(line: number, column: number, otherLine: number, otherColumn: number): number {
  return line - otherLine || column - otherColumn;
}

/**
 * Whether two edits cannot both be applied: they share text, or both insert at one point (which
 * has no defined order). Edits that only touch are fine, and an identical edit counts once.
 */
export function editsOverlap(x: FindingEdit, y: FindingEdit): boolean {
  if (x.file !== y.file || sameEdit(x, y)) return false;
  const sharesText = comparePositions(y.line, y.column, x.endLine, x.endColumn) < 0 && comparePositions(x.line, x.column, y.endLine, y.endColumn) < 0;
  if (sharesText) return true;
  const xEmpty = x.line === x.endLine && x.column === x.endColumn;
  const yEmpty = y.line === y.endLine && y.column === y.endColumn;
  return xEmpty && yEmpty && x.line === y.line && x.column === y.column;
}

/** Whether two sets of edits overlap (so they cannot be applied together). */
export function editsConflict(a: readonly FindingEdit[], b: readonly FindingEdit[]): boolean {
  return a.some((x) => b.some((y) => editsOverlap(x, y)));
}
