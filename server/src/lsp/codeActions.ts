// Finding fixes → LSP code actions. Fix edits come in byte coordinates (Go's); they are converted
// to UTF-16 with the LineIndex of the text each edit applies to. Plain functions; the handler in
// session.ts supplies the findings and the texts.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { LineIndex } from '../engine/positions';
import type { Finding, FindingFix } from '../engine/types';
import { fileUri, lspRange } from './diagnostics';
import { FIX_ALL_KIND, type CodeActionData } from './protocol';

/** Looks up the text an edit applies to (open document or disk); null when unreadable. */
export type LinesOf = (file: string) => LineIndex | null;

/** The workspace edit of some fixes, or null when a file cannot be read or two edits overlap. */
export function fixesWorkspaceEdit(fixes: readonly FindingFix[], linesOf: LinesOf): WorkspaceEdit | null {
  const changes: Record<string, TextEdit[]> = {};
  const taken = new Map<string, Array<[number, number]>>();
  for (const fix of fixes) {
    for (const e of fix.edits) {
      const lines = linesOf(e.file);
      if (!lines) return null;
      const range = lspRange(lines, e);
      const s = lines.offsetAt(range.start);
      const t = lines.offsetAt(range.end);
      const spans = taken.get(e.file) ?? [];
      // Overlapping edits from different fixes cannot be applied together; the caller skips the fix.
      if (spans.some(([a, b]) => s < b && a < t)) return null;
      spans.push([s, t]);
      taken.set(e.file, spans);
      (changes[fileUri(e.file)] ??= []).push({ range, newText: e.newText });
    }
  }
  return { changes };
}

/** Unresolved quickfix actions (edit computed in codeAction/resolve) for findings with fixes. */
export function quickFixActions(uri: string, items: ReadonlyArray<{ finding: Finding; diagnostic: Diagnostic }>): CodeAction[] {
  const out: CodeAction[] = [];
  for (const { finding, diagnostic } of items) {
    for (const fix of finding.fixes) {
      const data: CodeActionData = { uri, keys: [(diagnostic.data as { key: string }).key], fixId: fix.id };
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: finding.fixes.length === 1, data });
    }
  }
  return out;
}

/** The unresolved fix-all action of a document, or null when no finding there has a fix. */
export function fixAllAction(uri: string, keys: readonly string[]): CodeAction | null {
  if (keys.length === 0) return null;
  const data: CodeActionData = { uri, keys: [...keys] };
  return { title: 'Apply all Heapscope fixes', kind: FIX_ALL_KIND, data };
}

/**
 * Resolves an action's edit: the named fix of one finding (quickfix) or the first fix of each
 * finding that does not overlap an earlier one (fix all).
 */
export function resolveActionEdit(data: CodeActionData, findingOf: (key: string) => Finding | undefined, linesOf: LinesOf): WorkspaceEdit | null {
  if (data.fixId !== undefined) {
    const f = findingOf(data.keys[0] ?? '');
    const fix = f?.fixes.find((x) => x.id === data.fixId);
    return fix ? fixesWorkspaceEdit([fix], linesOf) : null;
  }
  const chosen: FindingFix[] = [];
  for (const key of data.keys) {
    const fix = findingOf(key)?.fixes[0];
    if (!fix) continue;
    if (fixesWorkspaceEdit([...chosen, fix], linesOf)) chosen.push(fix);
  }
  return chosen.length > 0 ? fixesWorkspaceEdit(chosen, linesOf) : null;
}
