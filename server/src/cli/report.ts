// Output formats of `heapscope check`: compiler-style text, the JSON contract (docs/JSON.md) and
// SARIF 2.1.0 for code scanning. Pure functions from findings to text.
import * as path from 'node:path';
import { kindDocsUrl, kindInfo } from '../engine/kinds';
import { SourceCache } from '../engine/analyze';
import { findingCostText, type ProfileReport } from '../profile/index';
import type { ProfileSampleType } from '../protocol/settings';
import type { Finding, PackageResult, Severity } from '../engine/types';
import { evidenceText } from '../engine/evidenceJoin';

/** Version of the JSON contract; bump only for incompatible changes. */
export const JSON_VERSION = 1;

/** What every report needs besides the findings. */
export interface ReportInput {
  goVersion: string;
  packages: PackageResult[];
  findings: Finding[];
  /** Directory paths are shown relative to in text and SARIF output. */
  cwd: string;
  toolVersion: string;
  /** The `profile` object of the JSON contract; null without a profile. */
  profile: ProfileReport | null;
}

/** A path relative to cwd when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** displayPath, remembered per file: a report names the same few files thousands of times. */
function displayPaths(cwd: string): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let shown = known.get(file);
    if (shown === undefined) known.set(file, (shown = displayPath(file, cwd)));
    return shown;
  };
}

/** `file:line:col: severity: message` lines, the way Go tools print them; steps indented when asked. */
export function formatText(input: ReportInput, explain: boolean): string {
  return textLines(input.findings, displayPaths(input.cwd), input.profile?.sampleType, explain);
}

/** formatText's lines for some findings. */
function textLines(findings: readonly Finding[], shown: (file: string) => string, sampleType: ProfileSampleType | undefined, explain: boolean): string {
  const out: string[] = [];
  for (const f of findings) {
    const col = f.column > 0 ? `${f.column}:` : '';
    const cost = sampleType && f.kind !== 'alloc.site' ? ` ${findingCostText(f.alloc, sampleType)}`.trimEnd() : '';
    out.push(`${shown(f.file)}:${f.line}:${col} ${f.severity}: ${f.message}${cost} [${f.kind}]`);
    if (explain) {
      if (f.compiler && f.compiler.message !== f.message) out.push(`    compiler: ${f.compiler.message}`);
      const code = evidenceText(f);
      if (code !== null) out.push(`    ${code}`);
      for (const r of f.related) out.push(`    ${r.message.replace(/^(\d+)\. /, '$1. ')} at ${shown(r.file)}:${r.line}${r.column > 0 ? `:${r.column}` : ''}`);
      for (const fix of f.fixes) out.push(`    fix (${fix.id}): ${fix.title}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** One diagnostic of the JSON contract. */
export function jsonDiagnostic(f: Finding): Record<string, unknown> {
  return {
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    severity: f.severity,
    kind: f.kind,
    message: f.message,
    compiler: f.compiler,
    related: f.related,
    fixes: f.fixes,
    alloc: f.alloc,
    evidence: f.evidence ?? null,
    package: f.packagePath,
    explanation: f.decision?.explanations ?? [],
  };
}

/** The JSON contract of `heapscope check --json` (docs/JSON.md). */
export function formatJson(input: ReportInput): string {
  return writeWhole(input, (write) => jsonWriter(write));
}

/** The JSON report's fields after the diagnostics, which only the end of a run knows. */
function jsonTail(end: ReportEnd): Record<string, unknown> {
  return {
    go: { version: end.goVersion },
    packages: end.packages.map((p) => ({ importPath: p.importPath, dir: p.dir, forTest: p.forTest, error: p.error })),
    profile: end.profile ?? null,
  };
}

/** Writes the JSON report as it goes: the head, each diagnostic, then the fields only the end knows. */
function jsonWriter(write: (s: string) => void): ReportWriter {
  const head = { version: JSON_VERSION };
  const diagnostics = new StreamedArray(head, 'diagnostics', write);
  return {
    findings: (findings) => diagnostics.items(findings.map(jsonDiagnostic)),
    end: (end) => diagnostics.end(jsonTail(end)),
  };
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** SARIF 2.1.0 with one rule per kind; columns are converted to UTF-16 code units as SARIF's default requires. */
export function formatSarif(input: ReportInput, sources: SourceCache): string {
  return writeWhole(input, (write) => sarifWriter(input.cwd, input.toolVersion, write), sources);
}

/** A kind's SARIF rule. */
function sarifRule(id: string): Record<string, unknown> {
  const k = kindInfo(id);
  return {
    id,
    name: k.title.replace(/[^A-Za-z0-9]+/g, ''),
    shortDescription: { text: k.title },
    fullDescription: { text: k.description },
    // An unknown id links to the kind it falls back to.
    helpUri: kindDocsUrl(k.id),
    defaultConfiguration: { level: SARIF_LEVEL[k.defaultSeverity] },
  };
}

/**
 * Writes SARIF as it goes: each result as its package is done, then the run's tool (its rules, in
 * the order their kinds first appear: a result's ruleIndex is known when it is written), base URI
 * and properties.
 */
function sarifWriter(cwd: string, toolVersion: string, write: (s: string) => void): ReportWriter {
  const ruleIndex = new Map<string, number>();
  const shown = displayPaths(cwd);
  const uri = (file: string): string => shown(file).split(path.sep).join('/');
  const head = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [{}] };
  const results = new StreamedArray(head, 'runs.0.results', write);
  const region = (sources: SourceCache, file: string, line: number, column: number, endLine?: number, endColumn?: number): Record<string, number> => {
    const lines = sources.get(file)?.lines ?? null;
    const conv = (l: number, c: number): number => (lines && c > 0 ? lines.byteColumnToUtf16(l, c).character + 1 : Math.max(1, c));
    const r: Record<string, number> = { startLine: line, startColumn: conv(line, column) };
    if (endLine !== undefined && endColumn !== undefined) {
      r.endLine = endLine;
      r.endColumn = conv(endLine, endColumn);
    }
    return r;
  };
  const result = (f: Finding, sources: SourceCache): Record<string, unknown> => {
    let index = ruleIndex.get(f.kind);
    if (index === undefined) ruleIndex.set(f.kind, (index = ruleIndex.size));
    return {
      ruleId: f.kind,
      ruleIndex: index,
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' }, region: region(sources, f.file, f.line, f.column, f.endLine, f.endColumn) } }],
      relatedLocations: f.related.map((r, i) => ({
        id: i + 1,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' }, region: region(sources, r.file, r.line, r.column) },
      })),
      properties: f.compiler ? { compilerMessage: f.compiler.message, alloc: f.alloc } : { alloc: f.alloc },
    };
  };
  return {
    findings: (findings, sources) => results.items(findings.map((f) => result(f, sources))),
    end: (end) =>
      results.end({
        tool: { driver: { name: 'heapscope', version: toolVersion, informationUri: 'https://github.com/heapscope/heapscope', rules: [...ruleIndex.keys()].map(sarifRule) } },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file://' + cwd.split(path.sep).join('/').replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        properties: { goVersion: end.goVersion },
      }),
  };
}

/** What only the end of a run knows. */
export interface ReportEnd {
  goVersion: string;
  packages: PackageResult[];
  profile: ProfileReport | null;
}

/**
 * A report written as a run goes (`heapscope check` writes each package when go has compiled it
 * and keeps nothing of it): findings in the order they are to appear, then the end.
 */
export interface ReportWriter {
  /** Writes findings; `sources` holds their files' texts (SARIF counts columns in UTF-16). */
  findings(findings: readonly Finding[], sources: SourceCache): void;
  /** Writes what follows the findings. */
  end(end: ReportEnd): void;
}

/** The writer of a format. */
export function reportWriter(
  format: 'text' | 'json' | 'sarif',
  opts: { cwd: string; toolVersion: string; explain: boolean; sampleType?: ProfileSampleType },
  write: (s: string) => void,
): ReportWriter {
  if (format === 'json') return jsonWriter(write);
  if (format === 'sarif') return sarifWriter(opts.cwd, opts.toolVersion, write);
  const shown = displayPaths(opts.cwd);
  return { findings: (findings) => write(textLines(findings, shown, opts.sampleType, opts.explain)), end: () => undefined };
}

/** A whole report through a writer, as one string. */
function writeWhole(input: ReportInput, make: (write: (s: string) => void) => ReportWriter, sources: SourceCache = new SourceCache()): string {
  const out: string[] = [];
  const writer = make((s) => out.push(s));
  writer.findings(input.findings, sources);
  writer.end({ goVersion: input.goVersion, packages: input.packages, profile: input.profile });
  return out.join('');
}

// Stands for the streamed array's items in the document that is printed around them.
const SLOT = '\u0000items';

/**
 * A JSON document printed as JSON.stringify(doc, null, 2) prints it, with one array written item by
 * item: the fields before the array are printed first, the fields after it at the end.
 */
class StreamedArray {
  private readonly indent: string;
  private readonly headText: string;
  private count = 0;

  /** `at` is the array's dotted path in `head` (the document's fields before it). */
  constructor(
    private readonly head: Record<string, unknown>,
    private readonly at: string,
    private readonly write: (s: string) => void,
  ) {
    const text = this.document({});
    const slot = text.indexOf(JSON.stringify(SLOT));
    const lineStart = text.lastIndexOf('\n', slot) + 1;
    this.indent = text.slice(lineStart, slot);
    // Written with the first items or the end: a run that analyses nothing prints nothing.
    this.headText = text.slice(0, lineStart - 1);
  }

  /** Writes the next items. */
  items(items: readonly unknown[]): void {
    let out = this.count === 0 ? this.headText : '';
    for (const item of items) {
      out += (this.count++ === 0 ? '\n' : ',\n') + this.indent + JSON.stringify(item, null, 2).replace(/\n/g, '\n' + this.indent);
    }
    if (this.count > 0) this.write(out);
  }

  /** Closes the array and writes the fields that follow it (`after`, beside the array) and the document's end. */
  end(after: Record<string, unknown>): void {
    const text = this.document(after);
    const slot = text.indexOf(JSON.stringify(SLOT));
    const closing = text.indexOf('\n', slot);
    // With no items the array prints as [], closed at once after its `[`.
    this.write((this.count === 0 ? this.headText + ']' + text.slice(text.indexOf(']', closing) + 1) : text.slice(closing)) + '\n');
  }

  /** The document with the array as [SLOT] and `after` beside it. */
  private document(after: Record<string, unknown>): string {
    const doc = structuredClone(this.head);
    const keys = this.at.split('.');
    const last = keys.pop() as string;
    let parent = doc as Record<string, unknown>;
    for (const k of keys) parent = parent[k] as Record<string, unknown>;
    parent[last] = [SLOT];
    Object.assign(parent, after);
    return JSON.stringify(doc, null, 2);
  }
}
