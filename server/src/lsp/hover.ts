// textDocument/hover: the shown findings under the cursor, and their text — what happens, why
// (numbered steps with links), what it costs, what to do, and the compiler's exact words. Plain
// functions; the session supplies the document's shown findings and the profile's cost section.
import type { Hover, Position } from 'vscode-languageserver';
import { kindInfo } from '../engine/kinds';
import { formatBytes, formatCount, formatShare } from '../profile/format';
import type { ByteRange, Finding, RelatedLocation } from '../engine/types';
import { bytePosition, fileUri, type RelatedPosition } from './diagnostics';
import type { OpenDocument } from './documents';
import type { ShownFinding } from './publisher';

/**
 * A markdown link to a step's location: `[file:line:col](file:///…#Lline,char)`. The label keeps
 * the compiler's byte column (as Go tools print it); the link's fragment is the editor's 1-based
 * character column, converted by `position`.
 */
export function stepLink(r: RelatedLocation, position: RelatedPosition = bytePosition): string {
  const base = r.file.split(/[\\/]/).pop() ?? r.file;
  const col = Math.max(1, r.column);
  const at = position(r.file, r.line, col);
  return `[${base}:${r.line}:${col}](${fileUri(r.file)}#L${at.line + 1},${at.character + 1})`;
}

/** Escapes markdown-special characters in text that is not code. */
function md(text: string): string {
  return text.replace(/([\\*_[\]<>])/g, '\\$1');
}

/** Escapes markdown-special characters outside the `code` spans of a message. */
function mdOutsideCode(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : md(part)))
    .join('`');
}

/** Returns a finding's cost section from the loaded profile, or null when it has none. */
export type CostSection = (f: Finding) => string | null;

/** The markdown of one finding's hover section; `cost` (with a profile loaded) writes the cost part. */
export function findingHoverMarkdown(f: Finding, cost?: CostSection, position?: RelatedPosition): string {
  const parts: string[] = [];
  parts.push(`**${md(kindInfo(f.kind).title)}** — ${f.message.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`);
  const d = f.decision;
  if (d && (d.kind === 'inline.can' || d.kind === 'inline.cannot')) {
    const { cost, budget, reason } = d.details;
    if (cost !== undefined) parts.push(`Inlining cost: ${cost}${budget !== undefined ? ` (budget ${budget})` : ''}`);
    if (d.kind === 'inline.cannot' && reason) parts.push(`Refused because: ${md(reason)}`);
  }
  if (f.related.length > 0) {
    // Each flow is its own list: a line naming it (no number), then its numbered steps.
    const lines = f.related.map((r) => {
      const step = /^(\d+)\.\s*/.exec(r.message);
      if (step === null) return `\n${stepLink(r, position)} ${mdOutsideCode(r.message)}\n`;
      return `${step[1]}. ${stepLink(r, position)} ${mdOutsideCode(r.message.slice(step[0].length))}`;
    });
    parts.push(`**Why**\n\n${lines.join('\n').trim()}`);
  }
  if (cost) {
    const c = cost(f);
    if (c) parts.push(c);
  } else if (f.alloc) {
    parts.push(`**Cost**: ${formatBytes(f.alloc.bytes)} · ${formatCount(f.alloc.objects)} objects · ${formatShare(f.alloc.share)} of the profile`);
  }
  if (f.fixes.length > 0) {
    parts.push(`**What to do**\n\n${f.fixes.map((x) => `- ${md(x.title)}`).join('\n')}`);
  }
  if (f.compiler) {
    const lines = d ? [d.text, ...d.explanations.flatMap((e) => e.lines)] : [f.compiler.message];
    parts.push('Compiler (`-m=2`):\n\n```text\n' + lines.join('\n').replace(/```/g, "'''") + '\n```');
  }
  return parts.join('\n\n');
}

/** The hover markdown of all findings under the cursor, separated by rules. */
export function hoverMarkdown(findings: readonly Finding[], cost?: CostSection, position?: RelatedPosition): string {
  return findings.map((f) => findingHoverMarkdown(f, cost, position)).join('\n\n---\n\n');
}

function contains(r: ByteRange, line: number, column: number): boolean {
  const afterStart = line > r.line || (line === r.line && column >= r.column);
  const beforeEnd = line < r.endLine || (line === r.endLine && column <= r.endColumn);
  return afterStart && beforeEnd;
}

function span(r: ByteRange): number {
  return (r.endLine - r.line) * 10000 + (r.endColumn - r.column);
}

/** Returns the hover of every shown finding under the cursor, innermost first, or null when there is none. */
export function findingsHover(doc: OpenDocument, pos: Position, shown: readonly ShownFinding[], cost: CostSection | undefined, position: RelatedPosition): Hover | null {
  const at = doc.lines.utf16ToByteColumn(pos.line, pos.character);
  const hits = shown.filter(({ t }) => contains(t.range, at.line, at.column));
  if (hits.length === 0) return null;
  hits.sort((a, b) => span(a.t.range) - span(b.t.range));
  return {
    contents: {
      kind: 'markdown',
      value: hoverMarkdown(
        hits.map((h) => h.f),
        cost,
        position,
      ),
    },
    range: doc.lines.lspRange(hits[0]!.t.range),
  };
}
