// textDocument/inlayHint and textDocument/codeLens: the loaded profile's cost at each hot line of
// a document, where the tracked findings are now. Plain functions; the session finds the document.
import type { CodeLens, InlayHint, Range } from 'vscode-languageserver';
import type { Finding } from '../engine/types';
import type { OpenDocument } from './documents';
import { hintLabel, MIN_HINT_SHARE } from './profiles';
import { Commands, type ProfileHints, type ProfileSampleType } from '../protocol';

/** One hot line of a document: its 0-based line and the hint's text. */
interface HotLine {
  line0: number;
  label: string;
}

/** Returns the hot lines of a document now: one per line, the finding with the largest share. */
function hotLines(doc: OpenDocument, sampleType: ProfileSampleType): HotLine[] {
  const best = new Map<number, Finding>();
  for (const t of doc.tracked) {
    const a = t.finding.alloc;
    if (!a || a.share < MIN_HINT_SHARE) continue;
    const line0 = t.range.line - 1;
    const cur = best.get(line0);
    if (!cur || (cur.alloc?.share ?? 0) < a.share) best.set(line0, t.finding);
  }
  return [...best.entries()].sort((a, b) => a[0] - b[0]).map(([line0, f]) => ({ line0, label: hintLabel(f.alloc!, sampleType) }));
}

/**
 * Returns the cost at the end of each hot line in the range (setting profileHints = 'inlay');
 * `sampleType` is the loaded profile's, null without one.
 */
export function profileInlayHints(doc: OpenDocument, range: Range, mode: ProfileHints, sampleType: ProfileSampleType | null): InlayHint[] {
  if (mode !== 'inlay' || sampleType === null) return [];
  return hotLines(doc, sampleType)
    .filter((h) => h.line0 >= range.start.line && h.line0 <= range.end.line)
    .map((h) => ({ position: { line: h.line0, character: doc.lines.lineText(h.line0).replace(/\r$/, '').length }, label: h.label, paddingLeft: true }));
}

/** Returns the cost above each hot line (setting profileHints = 'codeLens'); `sampleType` as for profileInlayHints. */
export function profileCodeLenses(doc: OpenDocument, mode: ProfileHints, sampleType: ProfileSampleType | null): CodeLens[] {
  if (mode !== 'codeLens' || sampleType === null) return [];
  return hotLines(doc, sampleType).map((h) => ({
    range: { start: { line: h.line0, character: 0 }, end: { line: h.line0, character: 0 } },
    command: { title: `$(flame) ${h.label}`, command: Commands.topAllocationSites },
  }));
}
