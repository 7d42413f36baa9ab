// The table of Heapscope's fixes — one module per fix id — and the entry points the language
// server and the CLI use: findFixes (findings with fixes for one file) and applyEdits.
//
// findFixes returns NEW findings only, each carrying its fix; it never modifies the compiler
// findings it is given (those are evidence: escape.moved positions for copy-loop-var, profile
// costs on the same line for the severity of prealloc/sprintf hints).
import { LineIndex } from '../engine/positions';
import { registerKinds, type KindInfo } from '../engine/kinds';
import type { Finding, FindingEdit, Severity } from '../engine/types';
import { COPY_LOOP_VAR_ID, LOOPVAR_CAPTURE_KIND, findCopyLoopVar } from './copyLoopVar';
import type { FixInput } from './fixTypes';
import { findPrealloc } from './prealloc';
import { SPRINTF_ITOA_ID, SPRINTF_ITOA_KIND, findSprintfItoa } from './sprintfItoa';

export type { FixInput, GoVersionInfo } from './fixTypes';

/** One fix: its stable id (editor code actions, CLI JSON, docs/FIXES.md) and the finding kind it hangs on. */
export interface FixInfo {
  id: string;
  title: string;
  /** The finding kind whose findings carry this fix. */
  kind: string;
  description: string;
  defaultSeverity: Severity;
  /** Whether the fix changes behaviour on purpose (a correctness fix) rather than only allocations. */
  correctness: boolean;
  find: (input: FixInput) => Finding[];
}

/** Every fix, in the order the CLI applies them. Duplicate ids fail at start-up. */
export const FIX_TABLE: readonly FixInfo[] = [
  {
    id: COPY_LOOP_VAR_ID,
    title: 'Copy loop variable',
    kind: LOOPVAR_CAPTURE_KIND,
    description:
      'Before Go 1.22 a loop variable is shared by all iterations; a goroutine, deferred function, stored/returned/passed-on closure or parallel subtest that captures it may see a later value. Inserts `v := v` as the first statement of the loop body. Offered only in files whose language version is below 1.22 and only when the closure can outlive its iteration.',
    defaultSeverity: 'warning',
    correctness: true,
    find: findCopyLoopVar,
  },
  {
    id: 'prealloc-slice',
    title: 'Pre-allocate slice',
    kind: 'prealloc.slice',
    description:
      'A slice that starts empty gets exactly one append per iteration of a loop with a known trip count. Gives it that capacity (`make([]T, 0, n)`, never `make([]T, n)`), keeping nil slices nil after zero iterations.',
    defaultSeverity: 'hint',
    correctness: false,
    find: (input) => findPrealloc(input, 'slice', { kind: 'prealloc.slice', fixId: 'prealloc-slice' }),
  },
  {
    id: 'prealloc-map',
    title: 'Pre-size map',
    kind: 'prealloc.map',
    description:
      'A map that starts empty gets one assignment per iteration of a loop with a known trip count. Gives it a size hint (`make(map[K]V, n)`), which only avoids rehashing while it grows.',
    defaultSeverity: 'hint',
    correctness: false,
    find: (input) => findPrealloc(input, 'map', { kind: 'prealloc.map', fixId: 'prealloc-map' }),
  },
  {
    id: SPRINTF_ITOA_ID,
    title: 'Use strconv.Itoa',
    kind: SPRINTF_ITOA_KIND,
    description:
      '`fmt.Sprintf("%d", n)` with an int n boxes n and runs fmt; `strconv.Itoa(n)` prints the same digits with fewer allocations. Adds the strconv import and drops fmt when it was the last use.',
    defaultSeverity: 'hint',
    correctness: false,
    find: findSprintfItoa,
  },
];

/** The finding kinds the fixes report, for the kinds table (docs/KINDS.md, settings). */
export const FIX_KINDS: readonly KindInfo[] = [
  {
    id: LOOPVAR_CAPTURE_KIND,
    family: 'loopvar',
    title: 'Loop variable captured across iterations',
    description:
      'Before Go 1.22 a closure that outlives its iteration shares the loop variable with every other iteration and may see a later value. Fix: copy-loop-var.',
    defaultSeverity: 'warning',
    shownByDefault: true,
  },
  {
    id: 'prealloc.slice',
    family: 'prealloc',
    title: 'Slice could be pre-allocated',
    description: 'A slice grows by append once per iteration of a loop whose length is known. Fix: prealloc-slice. A hint unless a profile shows the line allocating.',
    defaultSeverity: 'hint',
    shownByDefault: true,
  },
  {
    id: 'prealloc.map',
    family: 'prealloc',
    title: 'Map could be pre-sized',
    description: 'A map gets one entry per iteration of a loop whose length is known. Fix: prealloc-map. A hint unless a profile shows the line allocating.',
    defaultSeverity: 'hint',
    shownByDefault: true,
  },
  {
    id: SPRINTF_ITOA_KIND,
    family: 'alloc',
    title: 'fmt.Sprintf of an int',
    description: 'fmt.Sprintf("%d", n) allocates more than strconv.Itoa(n) for the same text. Fix: sprintf-itoa. A hint unless a profile shows the line allocating.',
    defaultSeverity: 'hint',
    shownByDefault: true,
  },
];

const seen = new Set<string>();
for (const f of FIX_TABLE) {
  if (seen.has(f.id)) throw new Error(`duplicate fix id ${f.id}`);
  seen.add(f.id);
}

let registered = false;
/** Adds the fix kinds to the engine's kinds table once per process (idempotent). */
export function registerFixKinds(): void {
  if (registered) return;
  registered = true;
  registerKinds(FIX_KINDS);
}
registerFixKinds();

/** Findings with fixes for one file (new findings; the given compiler findings are only evidence). */
export function findFixes(input: FixInput, only?: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const fix of FIX_TABLE) {
    if (only && !only.includes(fix.id)) continue;
    out.push(...fix.find(input));
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
  for (let i = 1; i < unique.length; i++) {
    const a = unique[i - 1];
    const b = unique[i];
    // Touching is fine; two insertions at one point (or any shared text) have no defined order.
    if (b.start < a.end || (b.start === a.start && b.start === b.end && a.start === a.end)) throw new EditError('edits overlap');
  }
  let out = text;
  for (let i = unique.length - 1; i >= 0; i--) {
    const e = unique[i];
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
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
  const sharesText =
    comparePositions(y.line, y.column, x.endLine, x.endColumn) < 0 && comparePositions(x.line, x.column, y.endLine, y.endColumn) < 0;
  if (sharesText) return true;
  const xEmpty = x.line === x.endLine && x.column === x.endColumn;
  const yEmpty = y.line === y.endLine && y.column === y.endColumn;
  return xEmpty && yEmpty && x.line === y.line && x.column === y.column;
}

/** Whether two sets of edits overlap (so they cannot be applied together). */
export function editsConflict(a: readonly FindingEdit[], b: readonly FindingEdit[]): boolean {
  return a.some((x) => b.some((y) => editsOverlap(x, y)));
}
