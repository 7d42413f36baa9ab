// Snapshots of what an editor shows: every finding shown by default, in the fixture modules
// test-fixtures/example and test-fixtures/markers/*, as its LSP diagnostic and its hover markdown,
// from the real compiler. One snapshot per module and Go release
// (test/integration/__snapshots__/textSnapshots/<go version>/<module>.txt): a new release's
// wording shows up as a reviewed diff. UPDATE_SNAPSHOTS=1 rewrites them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { runPipeline } from '../../server/src/pipeline/index';
import { dropRepeats } from '../../server/src/engine/repeats';
import { LineIndex } from '../../server/src/engine/positions';
import { presentFinding } from '../../server/src/engine/present';
import { bytePosition, findingDiagnostic, type RelatedPosition } from '../../server/src/lsp/diagnostics';
import { hoverMarkdown } from '../../server/src/lsp/hover';
import { assertSnapshot } from '../helpers/snapshot';

// ------------------------------------------------------------------------------------------
// The adapter: the only code here that knows the engine's types. It does for each finding what
// the language server's Session does for an open document (diagnostics(), hover()).

/** One shown finding as the editor gets it. */
interface ShownFinding {
  file: string;
  /** The finding's range: 1-based lines and byte columns, end exclusive. */
  at: string;
  kind: string;
  diagnostic: Diagnostic;
  hover: string;
}

/** Compiles the module at `dir` (test files included, as the editor does) and returns its findings shown by default, as diagnostics and hovers. */
async function shownFindings(dir: string): Promise<ShownFinding[]> {
  // With the fix stage, as the editor runs it: fix findings (prealloc, loop variables) are shown too.
  const { findings } = await runPipeline({ compile: { cwd: dir, patterns: ['./...'], tests: true }, fixes: {} });
  // Step positions are converted on the compiled text of the files that have findings, as the
  // Session does; other files (the standard library's) fall back to byte columns.
  const indexes = new Map<string, LineIndex>();
  for (const f of findings) if (!indexes.has(f.file) && existsSync(f.file)) indexes.set(f.file, new LineIndex(readFileSync(f.file, 'utf8')));
  const position: RelatedPosition = (file, line, column) => indexes.get(file)?.byteColumnToUtf16(line, Math.max(1, column)) ?? bytePosition(file, line, column);
  const out: ShownFinding[] = [];
  // Each allocation once, as the editor's scope stage keeps them.
  for (const finding of dropRepeats(findings)) {
    const f = presentFinding(finding, {});
    if (!f) continue;
    const range = indexes.get(f.file)?.lspRange(f) ?? { start: bytePosition(f.file, f.line, f.column), end: bytePosition(f.file, f.endLine, f.endColumn) };
    out.push({
      file: f.file,
      at: `${f.line}:${f.column}-${f.endLine}:${f.endColumn}`,
      kind: f.kind,
      diagnostic: findingDiagnostic(f, range, false, position),
      hover: hoverMarkdown([f], undefined, position),
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------------

const repo = path.resolve(__dirname, '../..');
const snapshotRoot = path.join(__dirname, '__snapshots__/textSnapshots');
const markersRoot = path.join(repo, 'test-fixtures/markers');
const modules = [
  path.join(repo, 'test-fixtures/example'),
  ...readdirSync(markersRoot)
    .sort()
    .map((name) => path.join(markersRoot, name))
    .filter((dir) => existsSync(path.join(dir, 'go.mod'))),
];

const goEnv = (name: string): string => execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
const goVersion = goEnv('GOVERSION');
const goroot = goEnv('GOROOT');

/** `text` with the machine's paths replaced by $MODULE and $GOROOT, as paths and as file URIs. */
function relativePaths(text: string, moduleDir: string): string {
  let out = text;
  for (const [dir, name] of [
    [moduleDir, '$MODULE'],
    [goroot, '$GOROOT'],
  ] as const) {
    out = out.split(pathToFileURL(dir).href).join(`file://${name}`).split(dir).join(name);
  }
  return out;
}

/**
 * The hover with the directories of the compiler's own lines (`from &p (address-of) at ./a.go:14:9`)
 * dropped: the build cache replays a package's output with the paths of the run that filled it,
 * relative to that run's directory or absolute, so they depend on who compiled first.
 */
function withoutPrintedDirs(hover: string): string {
  return hover.replace(/( at )\S*[\\/]([^\s\\/]+\.go:\d+)/g, '$1$2');
}

/** A diagnostic as compact JSON, one field a line (one related location a line). */
function diagnosticText(d: Diagnostic): string {
  return Object.entries(d)
    .map(([key, value]) => (Array.isArray(value) ? `${key}:${value.map((v) => `\n  ${JSON.stringify(v)}`).join('')}` : `${key}: ${JSON.stringify(value)}`))
    .join('\n');
}

/** The snapshot text of a module: each shown finding's position, diagnostic and hover, in finding order. */
function render(moduleDir: string, findings: ShownFinding[]): string {
  const parts = findings.map((f) =>
    [`=== ${path.relative(moduleDir, f.file)}:${f.at} ${f.kind}`, '--- diagnostic', diagnosticText(f.diagnostic), '--- hover', withoutPrintedDirs(f.hover), ''].join('\n'),
  );
  return relativePaths(`# ${findings.length} findings shown by default\n\n${parts.join('\n')}`, moduleDir);
}

for (const dir of modules) {
  const name = path.relative(repo, dir);
  test(`${name}: diagnostics and hovers match the ${goVersion} snapshot`, async () => {
    const findings = await shownFindings(dir);
    assert.ok(findings.length > 5, `only ${findings.length} shown findings in ${name}`);
    const text = render(dir, findings);
    // The snapshot must not depend on where the repository is checked out.
    for (const p of [repo, os.homedir(), os.tmpdir()]) assert.ok(!text.includes(p), `the snapshot names ${p}`);
    assertSnapshot(path.join(snapshotRoot, goVersion, `${path.relative(path.join(repo, 'test-fixtures'), dir).replace(/[\\/]/g, '_')}.txt`), text);
  });
}
