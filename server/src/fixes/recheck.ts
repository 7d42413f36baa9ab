// Re-checking fixes on edited text. The language server computes fixes on the text it compiled,
// then the user keeps typing: an `i++` added later in a loop body makes `i := i` change what the
// loop does, although the edit is far from the span the fix edits. So before a fix computed on
// an older text is offered or applied, its finder runs again on the current text, with the same
// facts (language version, the package's names) and the compiler's evidence (its findings and
// every decision of the file) moved through the edits; the fix stays only if the finder offers
// exactly the same edits there. Compiler evidence an edit touched no longer holds: then every fix
// of the file waits for the next compile.
import { LineIndex } from '../engine/positions';
import type { GoSourceFile, OffsetEdit } from '../engine/sourceFile';
import type { CompilerDecision, Finding, FindingEdit, FindingFix } from '../engine/types';
import type { FixContext } from './fixTypes';
import { findFixes, sameEdit } from './index';

/** The offset `o` moved through `edits` (sequential), or null when an edit touches it. */
function moveOffset(o: number, edits: readonly OffsetEdit[]): number | null {
  let at = o;
  for (const e of edits) {
    if (e.start <= at + 1 && e.oldEnd >= at) return null;
    if (e.oldEnd < at) at += e.newEnd - e.oldEnd;
  }
  return at;
}

/** A compiler decision moved to the current text; undefined when it lies outside the compiled text, null when an edit touched it. */
function movedDecision(d: CompilerDecision, compiled: LineIndex, current: GoSourceFile, edits: readonly OffsetEdit[]): CompilerDecision | null | undefined {
  const { pos } = d;
  if (pos.line < 1 || pos.line > compiled.lineCount) return undefined;
  const o = moveOffset(compiled.byteToOffset(pos.line, pos.column), edits);
  if (o === null) return null;
  const r = current.byteRange(o, o);
  return { ...d, pos: { ...pos, line: r.line, column: r.column } };
}

/** The evidence findings with their compiler positions moved to the current text; null when an edit touched one. */
function movedEvidence(findings: readonly Finding[], compiled: LineIndex, current: GoSourceFile, edits: readonly OffsetEdit[]): Finding[] | null {
  const out: Finding[] = [];
  for (const f of findings) {
    if (!f.decision) {
      out.push(f);
      continue;
    }
    const d = movedDecision(f.decision, compiled, current, edits);
    if (d === null) return null;
    if (d) out.push({ ...f, decision: d });
  }
  return out;
}

/** Every compiler decision of the file moved to the current text; null when an edit touched one. */
function movedDecisions(decisions: readonly CompilerDecision[], compiled: LineIndex, current: GoSourceFile, edits: readonly OffsetEdit[]): CompilerDecision[] | null {
  const out: CompilerDecision[] = [];
  for (const d of decisions) {
    const m = movedDecision(d, compiled, current, edits);
    if (m === null) return null;
    if (m) out.push(m);
  }
  return out;
}

/**
 * Returns which of the given fixes (edits in the current text's coordinates) their finders still
 * offer on `current`, the text after `edits` from `compiledText`, the text the fixes were found on.
 */
export function recheckFixes(context: FixContext, compiledText: string, current: GoSourceFile, edits: readonly OffsetEdit[], fixes: readonly FindingFix[]): Set<FindingFix> {
  const live = new Set<FindingFix>();
  if (fixes.length === 0) return live;
  const compiled = new LineIndex(compiledText);
  const evidence = movedEvidence(context.findings, compiled, current, edits);
  if (evidence === null) return live;
  // Every decision of the file (copy-loop-var reads the compiler's word on closures and calls).
  const decisions = context.decisions ? movedDecisions(context.decisions, compiled, current, edits) : undefined;
  if (decisions === null) return live;
  const ids = [...new Set(fixes.map((f) => f.id))];
  const found = findFixes({ ...context, source: current, findings: evidence, decisions }, ids).flatMap((f) => f.fixes);
  const same = (a: readonly FindingEdit[], b: readonly FindingEdit[]): boolean => a.length === b.length && a.every((e, i) => sameEdit(e, b[i] as FindingEdit));
  for (const fix of fixes) if (found.some((f) => f.id === fix.id && same(f.edits, fix.edits))) live.add(fix);
  return live;
}
