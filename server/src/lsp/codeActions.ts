// textDocument/codeAction and codeAction/resolve: finding fixes → LSP code actions. Fix edits come
// in byte coordinates (Go's), already moved to the document's current text by documents.ts; they
// are converted to UTF-16 with the LineIndex of the text each edit applies to. Plain functions;
// the session supplies the document, its shown findings and the findings' keys.
//
// The editor offers nothing `heapscope fix` would refuse: a fix found on an older text is offered
// only if its finder still offers it on the current text (OpenDocument.fixesNow), and resolving
// an action runs the CLI's own selection (fixes/select.ts: gofmt-clean before and after, no
// overlapping edits) on the exact text the edit will change.
import * as path from 'node:path';
import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { LineIndex } from '../engine/positions';
import type { Finding, FindingEdit, FindingFix } from '../engine/types';
import { editsConflict, editsOverlap, sameEdit } from '../fixes/index';
import { fileUri } from './diagnostics';
import { readText, type OpenDocument } from './documents';
import { selectFixes } from '../fixes/select';
import { FIX_ALL_KIND, type CodeActionData } from '../protocol';
import type { ShownFinding } from './publisher';

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

/**
 * The fixes fix-all applies: the first fix of each finding, in order, skipping any that conflicts
 * with one already chosen and, as `heapscope fix` does without --include-uncertain, those of "may" hints.
 */
export function chooseFixAll(keys: readonly string[], fixesOf: FixesOf): FindingFix[] {
  const chosen: FindingFix[] = [];
  for (const key of keys) {
    const fix = fixesOf(key)?.[0];
    if (!fix || fix.uncertain || chosen.some((c) => editsConflict(c.edits, fix.edits))) continue;
    chosen.push(fix);
  }
  return chosen;
}

/** Looks up the current text of a file (open document or disk); null when unreadable. */
export type TextOf = (file: string) => string | null;

/**
 * Resolves an action's edit: the named fix of one finding (quickfix) or every non-conflicting
 * first fix (fix all), each passing the checks `heapscope fix` makes (selectFixes) on the text it
 * changes; null when no fix is live any more (the code changed under it) or none passes.
 */
export async function resolveActionEdit(data: CodeActionData, fixesOf: FixesOf, textOf: TextOf, isClean?: (text: string) => Promise<boolean>): Promise<WorkspaceEdit | null> {
  const wanted: FindingFix[] = [];
  if (data.fixId !== undefined) {
    const fix = fixesOf(data.keys[0] ?? '')?.find((x) => x.id === data.fixId);
    if (fix) wanted.push(fix);
  } else wanted.push(...chooseFixAll(data.keys, fixesOf));
  const files = [...new Set(wanted.flatMap((f) => f.edits.map((e) => e.file)))];
  // Every fix edits one file (the finders' own); a fix spanning files is not offered.
  const [file, other] = files;
  if (!file || other) return null;
  const text = textOf(file);
  if (text === null) return null;
  const { chosen } = await selectFixes(text, wanted, (f) => f, { isClean });
  if (chosen.length === 0) return null;
  const lines = new LineIndex(text);
  return fixesWorkspaceEdit(chosen, (f) => (f === file ? lines : null));
}

/** Returns the text lookup of edits: an open document's current text, else the file on disk. */
export function textOfDocuments(docs: () => Iterable<OpenDocument>): TextOf {
  return (file) => {
    for (const d of docs()) if (d.path === file) return d.text;
    return readText(file);
  };
}

/** Returns the fixes of a document's findings that may be offered now, by finding key (OpenDocument.fixesNow). */
export function liveFixes(doc: OpenDocument | undefined, keyOf: (f: Finding) => string): Map<string, FindingFix[]> {
  const out = new Map<string, FindingFix[]>();
  if (!doc) return out;
  const now = doc.fixesNow();
  for (const t of doc.tracked) {
    const fixes = (t.fixes ?? []).filter((f) => now.has(f));
    if (fixes.length > 0 && !t.stale) out.set(keyOf(t.finding), fixes);
  }
  return out;
}

/**
 * Why diagnostics the client was sent with fixes (`data.fixIds`) get none now, one line each: the
 * finding is from an older publish, its package's last compile failed, or its code was edited
 * since the compile and the fix no longer applies. For the log: a user who sees no fix can read why.
 */
export function withheldFixes(doc: OpenDocument, context: CodeActionContext, keyOf: (f: Finding) => string, live: ReadonlyMap<string, FindingFix[]>): string[] {
  const out: string[] = [];
  for (const diagnostic of context.diagnostics) {
    const data = diagnostic.data as { key?: unknown; fixIds?: unknown } | undefined;
    if (typeof data?.key !== 'string' || !Array.isArray(data.fixIds) || data.fixIds.length === 0 || live.has(data.key)) continue;
    const t = doc.tracked.find((x) => keyOf(x.finding) === data.key);
    const at = `${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`;
    const why = !t ? 'its finding was replaced by a newer analysis' : t.stale ? 'the last compile of its package failed' : 'its code was edited since the compile and the fix no longer applies';
    out.push(`no fix offered at ${path.basename(doc.path)}:${at}: ${why}`);
  }
  return out;
}

/** Returns the unresolved code actions of a document: quick fixes of the diagnostics in the context, and fix-all. */
export function documentCodeActions(doc: OpenDocument, context: CodeActionContext, shown: readonly ShownFinding[], keyOf: (f: Finding) => string, log?: (message: string) => void): CodeAction[] {
  // Fixes are tracked through edits; one whose code was edited since the compile is no longer live.
  const live = liveFixes(doc, keyOf);
  if (log) for (const line of withheldFixes(doc, context, keyOf, live)) log(line);
  const wants = (kind: string): boolean => !context.only || context.only.some((o) => kind === o || kind.startsWith(o + '.'));
  const actions: CodeAction[] = [];
  if (wants('quickfix')) {
    const items: Array<{ key: string; fixes: FindingFix[]; diagnostic: Diagnostic }> = [];
    for (const diagnostic of context.diagnostics) {
      const key = (diagnostic.data as { key?: unknown } | undefined)?.key;
      const fixes = typeof key === 'string' ? live.get(key) : undefined;
      if (typeof key === 'string' && fixes) items.push({ key, fixes, diagnostic });
    }
    actions.push(...quickFixActions(doc.uri, items));
  }
  if (wants(FIX_ALL_KIND)) {
    const keys = shown.map(({ t }) => keyOf(t.finding)).filter((k) => live.has(k));
    const all = fixAllAction(doc.uri, keys);
    if (all) actions.push(all);
  }
  return actions;
}

/**
 * codeAction/resolve: returns the action with the workspace edit of the fixes live now (unchanged
 * when none is, or when the checks cannot run: a fix that cannot be checked is not applied).
 */
export async function resolveCodeAction(a: CodeAction, fixesOf: (uri: string) => ReadonlyMap<string, FindingFix[]>, textOf: TextOf, isClean?: (text: string) => Promise<boolean>): Promise<CodeAction> {
  const data = a.data as CodeActionData | undefined;
  if (!data || typeof data.uri !== 'string' || !Array.isArray(data.keys)) return a;
  const live = fixesOf(data.uri);
  let edit: WorkspaceEdit | null;
  try {
    edit = await resolveActionEdit(data, (k) => live.get(k), textOf, isClean);
  } catch {
    edit = null;
  }
  return edit ? { ...a, edit } : a;
}
