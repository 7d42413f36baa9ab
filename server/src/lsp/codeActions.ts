// Finding fixes → LSP code actions. Fix edits come in byte coordinates (Go's), already moved to
// the document's current text by documents.ts; they are converted to UTF-16 with the LineIndex of
// the text each edit applies to. Plain functions; the handler in session.ts supplies the fixes.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { LineIndex } from '../engine/positions';
import type { FindingEdit, FindingFix } from '../engine/types';
import { editsConflict, editsOverlap, sameEdit } from '../fixes/index';
import { fileUri } from './diagnostics';
import { FIX_ALL_KIND, type CodeActionData } from '../protocol';

/** Looks up the text an edit applies to (open document or disk); null when unreadable. */
export type LinesOf = (file: string) => LineIndex | null;

/** The live fixes of a finding by its key (null or empty when it has none now). */
export type FixesOf = (key: string) => readonly FindingFix[] | null | undefined;

/**
 * The workspace edit of some fixes, or null when a file cannot be read or two edits overlap.
 * Identical edits of different fixes (the same import added twice) count once, as applyEdits does.
 */
export function fixesWorkspaceEdit(fixes: readonly FindingFix[], linesOf: LinesOf): WorkspaceEdit | null {
  const changes: Record<string, TextEdit[]> = {};
  const seen: FindingEdit[] = [];
  for (const fix of fixes) {
    for (const e of fix.edits) {
      if (seen.some((x) => sameEdit(x, e))) continue;
      // Overlapping edits (or two insertions at one point) have no defined result: refuse them.
      if (seen.some((x) => editsOverlap(x, e))) return null;
      seen.push(e);
      const lines = linesOf(e.file);
      if (!lines) return null;
      (changes[fileUri(e.file)] ??= []).push({ range: lines.lspRange(e), newText: e.newText });
    }
  }
  return { changes };
}

/** Unresolved quickfix actions (edit computed in codeAction/resolve), one per live fix of each diagnostic's finding. */
export function quickFixActions(uri: string, items: ReadonlyArray<{ key: string; fixes: readonly FindingFix[]; diagnostic: Diagnostic }>): CodeAction[] {
  const out: CodeAction[] = [];
  for (const { key, fixes, diagnostic } of items) {
    for (const fix of fixes) {
      const data: CodeActionData = { uri, keys: [key], fixId: fix.id };
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fixes.length === 1, data });
    }
  }
  return out;
}

/** The unresolved fix-all action of a document, or null when no finding there has a live fix. */
export function fixAllAction(uri: string, keys: readonly string[]): CodeAction | null {
  if (keys.length === 0) return null;
  const data: CodeActionData = { uri, keys: [...keys] };
  return { title: 'Apply all Heapscope fixes', kind: FIX_ALL_KIND, data };
}

/** The fixes fix-all applies: the first fix of each finding, in order, skipping any that conflicts with one already chosen. */
export function chooseFixAll(keys: readonly string[], fixesOf: FixesOf): FindingFix[] {
  const chosen: FindingFix[] = [];
  for (const key of keys) {
    const fix = fixesOf(key)?.[0];
    if (!fix || chosen.some((c) => editsConflict(c.edits, fix.edits))) continue;
    chosen.push(fix);
  }
  return chosen;
}

/**
 * Resolves an action's edit: the named fix of one finding (quickfix) or every non-conflicting
 * first fix (fix all); null when the fix is no longer live (the code changed under it).
 */
export function resolveActionEdit(data: CodeActionData, fixesOf: FixesOf, linesOf: LinesOf): WorkspaceEdit | null {
  if (data.fixId !== undefined) {
    const fix = fixesOf(data.keys[0] ?? '')?.find((x) => x.id === data.fixId);
    return fix ? fixesWorkspaceEdit([fix], linesOf) : null;
  }
  const chosen = chooseFixAll(data.keys, fixesOf);
  return chosen.length > 0 ? fixesWorkspaceEdit(chosen, linesOf) : null;
}
