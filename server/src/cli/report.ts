// Output formats of `heapscope check`: compiler-style text, the JSON contract (docs/JSON.md) and
// SARIF 2.1.0 for code scanning. Pure functions from findings to text.
import * as path from 'node:path';
import { kindDocsUrl, kindInfo } from '../engine/kinds';
import type { SourceCache } from '../engine/analyze';
import { findingCostText, type ProfileReport } from '../profile/index';
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
  const out: string[] = [];
  const shown = displayPaths(input.cwd);
  const sampleType = input.profile?.sampleType;
  for (const f of input.findings) {
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
  return (
    JSON.stringify(
      {
        version: JSON_VERSION,
        go: { version: input.goVersion },
        packages: input.packages.map((p) => ({ importPath: p.importPath, dir: p.dir, forTest: p.forTest, error: p.error })),
        diagnostics: input.findings.map(jsonDiagnostic),
        profile: input.profile ?? null,
      },
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** SARIF 2.1.0 with one rule per kind; columns are converted to UTF-16 code units as SARIF's default requires. */
export function formatSarif(input: ReportInput, sources: SourceCache): string {
  const kindsUsed = [...new Set(input.findings.map((f) => f.kind))].sort();
  const rules = kindsUsed.map((id) => {
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
  });
  const ruleIndex = new Map(kindsUsed.map((id, i) => [id, i]));
  const shown = displayPaths(input.cwd);
  const uri = (file: string): string => shown(file).split(path.sep).join('/');
  const region = (file: string, line: number, column: number, endLine?: number, endColumn?: number): Record<string, number> => {
    const lines = sources.get(file)?.lines ?? null;
    const conv = (l: number, c: number): number => (lines && c > 0 ? lines.byteColumnToUtf16(l, c).character + 1 : Math.max(1, c));
    const r: Record<string, number> = { startLine: line, startColumn: conv(line, column) };
    if (endLine !== undefined && endColumn !== undefined) {
      r.endLine = endLine;
      r.endColumn = conv(endLine, endColumn);
    }
    return r;
  };
  const results = input.findings.map((f) => ({
    ruleId: f.kind,
    ruleIndex: ruleIndex.get(f.kind),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' }, region: region(f.file, f.line, f.column, f.endLine, f.endColumn) } }],
    relatedLocations: f.related.map((r, i) => ({
      id: i + 1,
      message: { text: r.message },
      physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' }, region: region(r.file, r.line, r.column) },
    })),
    properties: f.compiler ? { compilerMessage: f.compiler.message, alloc: f.alloc } : { alloc: f.alloc },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'heapscope', version: input.toolVersion, informationUri: 'https://github.com/heapscope/heapscope', rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file://' + input.cwd.split(path.sep).join('/').replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        properties: { goVersion: input.goVersion },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
