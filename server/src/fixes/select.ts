// Which of a file's fixes can be applied together: the checks `heapscope fix` makes before it
// applies anything, and the language server makes before its quick fix and fix-all edit the
// document (one function, so the editor can offer nothing the CLI would refuse). On the exact
// text the edits apply to: the file must be gofmt-clean, the fixes' edits must not overlap, and
// the result with each added fix must stay gofmt-clean. The fixes' own preconditions (names
// that must mean the builtin or the import, in every file of the package) are the finders';
// `heapscope fix` also recompiles the result, which an editor cannot do on every request.
import type { FindingFix } from '../engine/types';
import { isGofmtClean } from './gofmt';
import { applyEdits, editsConflict } from './index';

/** Fixes that edit the import block: whether fmt is still used depends on the others, so one per file at a time. */
export const IMPORT_FIXES: ReadonlySet<string> = new Set(['sprintf-itoa']);

/** What selectFixes decided for one file. */
export interface FixSelection<T> {
  chosen: T[];
  /** Fixes refused, with the reason in the user's words. */
  refused: Array<{ item: T; reason: string }>;
  /** The text was not gofmt-clean to begin with: nothing was chosen. */
  notFormatted: boolean;
}

/**
 * Chooses, in order, the fixes that can be applied together to `text`: each must not overlap
 * the ones chosen before it and must leave the text gofmt-clean with them; with
 * `oneImportFix`, at most one fix that edits imports.
 */
export async function selectFixes<T>(
  text: string,
  items: readonly T[],
  fixOf: (item: T) => FindingFix,
  opts: { oneImportFix?: boolean; isClean?: (text: string) => Promise<boolean> } = {},
): Promise<FixSelection<T>> {
  const isClean = opts.isClean ?? isGofmtClean;
  const out: FixSelection<T> = { chosen: [], refused: [], notFormatted: false };
  if (items.length === 0) return out;
  if (!(await isClean(text))) return { ...out, notFormatted: true };
  let importFix = false;
  for (const item of items) {
    const fix = fixOf(item);
    if (opts.oneImportFix && IMPORT_FIXES.has(fix.id) && importFix) continue;
    if (out.chosen.some((o) => editsConflict(fixOf(o).edits, fix.edits))) continue;
    let trial: string;
    try {
      trial = applyEdits(text, [...out.chosen.flatMap((o) => fixOf(o).edits), ...fix.edits]);
    } catch {
      out.refused.push({ item, reason: 'its edits do not apply to the text' });
      continue;
    }
    if (!(await isClean(trial))) {
      out.refused.push({ item, reason: 'the result would not be gofmt-formatted' });
      continue;
    }
    out.chosen.push(item);
    if (IMPORT_FIXES.has(fix.id)) importFix = true;
  }
  return out;
}
