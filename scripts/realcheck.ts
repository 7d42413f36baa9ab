// `npm run realcheck`: the real-code tier. Fetches real modules through the Go module proxy
// (`go mod download -json`, into the module cache; never committed), copies each into a work
// directory, runs `heapscope check --json` and `--format sarif` on it as a user would, and counts
// what a Go developer must never see in the default output. Prints the counts per rule and per
// module and exits 1 when any is not zero.
//
//   npm run realcheck                  every module
//   npm run realcheck -- zap chi       modules whose path contains one of these words
//   npm run realcheck -- compress      the module run only when named
//
// HEAPSCOPE_REALCHECK_DIR moves the work directory (default: ~/.cache/heapscope-realcheck).
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');

/**
 * The modules checked: two web frameworks, a logger, a generics library and (when named) a
 * compression library. samber/lo from v1.48 ships example tests whose helpers are left out of the
 * module zip: its test packages do not compile from the proxy's copy. klauspost/compress takes
 * about three minutes cold on two cores, as long as the other four together: it runs only when
 * named (`npm run realcheck -- compress`).
 */
const MODULES: ReadonlyArray<{ path: string; version: string; onlyWhenNamed?: boolean }> = [
  { path: 'github.com/gin-gonic/gin', version: 'v1.10.0' },
  { path: 'go.uber.org/zap', version: 'v1.27.0' },
  { path: 'github.com/go-chi/chi/v5', version: 'v5.2.3' },
  { path: 'github.com/samber/lo', version: 'v1.47.0' },
  { path: 'github.com/klauspost/compress', version: 'v1.17.11', onlyWhenNamed: true },
];

/** Names the compiler uses internally; none may reach a message or an explanation step. */
const INTERNAL_NAMES = /~r\d|~R\d|\.autotmp|\{heap\}|\{temp\}|\{storage for|go\.shape|#state|<node /;

/** The rules, in the order they are printed. */
const RULES = [
  'punctuation-only range',
  'outside the module',
  'past the end of its file',
  'internal name',
  'unnamed callee',
  'append without append',
  'duplicate',
  'SARIF URI not a module file',
  'run with -m=2',
] as const;
type Rule = (typeof RULES)[number];

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: string;
  message: string;
  related: Array<{ message: string }>;
}

interface SarifLocation {
  physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string } };
}

/** The source text of a byte range (1-based lines and byte columns, end exclusive); null when the file or lines are missing. */
function rangeText(lines: Buffer[] | null, d: Diagnostic): string | null {
  if (lines === null || d.line < 1 || d.endLine > lines.length) return null;
  const parts: Buffer[] = [];
  for (let l = d.line; l <= d.endLine; l++) {
    const text = lines[l - 1] as Buffer;
    const from = l === d.line ? d.column - 1 : 0;
    const to = l === d.endLine ? d.endColumn - 1 : text.length;
    parts.push(text.subarray(Math.max(0, from), Math.max(0, to)));
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Whether a range's text is punctuation alone: no letter, digit or underscore, and not a whole literal like `""` or `{}`. */
function punctuationOnly(text: string): boolean {
  const t = text.trim();
  if (/^("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|\{\s*\})$/.test(t)) return false;
  return !/[\p{L}\p{N}_]/u.test(t);
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The file's lines as bytes, remembered per file. */
function fileLines(cache: Map<string, Buffer[] | null>, file: string): Buffer[] | null {
  let lines = cache.get(file);
  if (lines === undefined) {
    try {
      const bytes = readFileSync(file);
      lines = [];
      for (let at = 0; at <= bytes.length;) {
        let nl = bytes.indexOf(10, at);
        if (nl < 0) nl = bytes.length;
        lines.push(bytes.subarray(at, nl));
        at = nl + 1;
      }
    } catch {
      lines = null;
    }
    cache.set(file, lines);
  }
  return lines;
}

/** Counts each rule's violations in a module's JSON and SARIF reports; prints up to `show` examples per rule. */
function countViolations(dir: string, diagnostics: Diagnostic[], sarifUris: string[], show: number): Record<Rule, number> {
  const counts = Object.fromEntries(RULES.map((r) => [r, 0])) as Record<Rule, number>;
  const examples = new Map<Rule, string[]>();
  const flag = (rule: Rule, what: string): void => {
    counts[rule]++;
    const list = examples.get(rule) ?? [];
    if (list.length < show) list.push(what);
    examples.set(rule, list);
  };
  const cache = new Map<string, Buffer[] | null>();
  const seen = new Set<string>();
  for (const d of diagnostics) {
    const where = `${path.isAbsolute(d.file) ? path.relative(dir, d.file) : d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} [${d.kind}] ${d.message}`;
    const inside = isInside(dir, d.file);
    if (!inside) flag('outside the module', where);
    const lines = inside ? fileLines(cache, d.file) : null;
    const text = rangeText(lines, d);
    if (inside && text === null) flag('past the end of its file', where);
    if (text !== null && punctuationOnly(text)) flag('punctuation-only range', `${where} covers ${JSON.stringify(text)}`);
    if (d.message.includes('this `append`') && !(text ?? '').includes('append')) flag('append without append', `${where} covers ${JSON.stringify(text)}`);
    for (const m of [d.message, ...d.related.map((r) => r.message)]) {
      if (INTERNAL_NAMES.test(m)) flag('internal name', `${where}: ${m}`);
      if (m.includes('passed to a call')) flag('unnamed callee', `${where}: ${m}`);
      if (m.includes('(run with -m=2')) flag('run with -m=2', where);
    }
    const key = `${d.kind}|${d.file}|${d.line}:${d.column}-${d.endLine}:${d.endColumn}|${d.message}`;
    if (seen.has(key)) flag('duplicate', where);
    seen.add(key);
  }
  for (const uri of sarifUris) {
    const file = path.resolve(dir, uri);
    const ok = !uri.includes('<') && !path.isAbsolute(uri) && !/^[a-z]+:/i.test(uri) && isInside(dir, file) && existsSync(file) && statSync(file).isFile();
    if (!ok) flag('SARIF URI not a module file', uri);
  }
  for (const [rule, list] of examples) {
    console.log(`  ${rule}:`);
    for (const e of list) console.log(`    ${e}`);
  }
  return counts;
}

/** Downloads a module through the module proxy and copies it to a writable work directory (once). */
async function moduleDir(workRoot: string, mod: { path: string; version: string }): Promise<string> {
  const dest = path.join(workRoot, `${mod.path.replace(/[/]/g, '_')}@${mod.version}`);
  if (existsSync(path.join(dest, 'go.mod'))) return dest;
  const { stdout } = await run('go', ['mod', 'download', '-json', `${mod.path}@${mod.version}`], { cwd: workRoot, maxBuffer: 16 << 20 });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${mod.path}@${mod.version}: ${info.Error ?? 'no directory'}`);
  cpSync(info.Dir, dest, { recursive: true });
  makeWritable(dest);
  return dest;
}

/** The module cache's copies are read-only; the compiler's run needs none of that, but removing the directory does. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) makeWritable(p);
    else if (e.isFile()) chmodSync(p, 0o644);
  }
}

/** Runs the CLI in a module; returns its stdout (exit status 1 from findings is fine). */
async function check(dir: string, format: 'json' | 'sarif'): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [cli, 'check', '--format', format, './...'], { cwd: dir, maxBuffer: 1 << 30 });
    return stdout;
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (e.stdout) return e.stdout;
    throw new Error(`heapscope check --format ${format} in ${dir} failed (${e.code}): ${e.stderr ?? ''}`, { cause: err });
  }
}

/** `chi/v5@v5.2.3` for `github.com/go-chi/chi/v5@v5.2.3`: the last path element, with the major version's. */
function shortName(module: string): string {
  const parts = module.split('/');
  const last = parts.pop() ?? module;
  return /^v\d+@/.test(last) ? `${parts.pop() ?? ''}/${last}` : last;
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run node scripts/build.mjs first`);
  const only = process.argv.slice(2);
  const modules = MODULES.filter((m) => (only.length === 0 ? !m.onlyWhenNamed : only.some((o) => m.path.includes(o))));
  const workRoot = process.env.HEAPSCOPE_REALCHECK_DIR ?? path.join(os.homedir(), '.cache', 'heapscope-realcheck');
  mkdirSync(workRoot, { recursive: true });
  const table: Array<{ module: string; findings: number; seconds: number; counts: Record<Rule, number> }> = [];
  for (const mod of modules) {
    const started = performance.now();
    const dir = await moduleDir(workRoot, mod);
    const report = JSON.parse(await check(dir, 'json')) as { diagnostics: Diagnostic[] };
    const sarif = JSON.parse(await check(dir, 'sarif')) as { runs: Array<{ results: Array<{ locations?: SarifLocation[]; relatedLocations?: SarifLocation[] }> }> };
    const uris: string[] = [];
    for (const r of sarif.runs[0]?.results ?? []) {
      for (const l of [...(r.locations ?? []), ...(r.relatedLocations ?? [])]) {
        const uri = l.physicalLocation?.artifactLocation?.uri;
        if (uri !== undefined) uris.push(decodeURIComponent(uri));
      }
    }
    console.log(`${mod.path}@${mod.version}: ${report.diagnostics.length} findings`);
    const counts = countViolations(dir, report.diagnostics, uris, 3);
    table.push({ module: `${mod.path}@${mod.version}`, findings: report.diagnostics.length, seconds: (performance.now() - started) / 1000, counts });
  }
  console.log('');
  const width = Math.max(...RULES.map((r) => r.length));
  const names = table.map((t) => shortName(t.module));
  const row = (label: string, cells: string[]): void => console.log(`${label.padEnd(width)}  ${cells.map((c, i) => c.padStart(names[i]!.length)).join('  ')}`);
  row('rule', names);
  for (const rule of RULES)
    row(
      rule,
      table.map((t) => String(t.counts[rule])),
    );
  row(
    'findings',
    table.map((t) => String(t.findings)),
  );
  row(
    'seconds',
    table.map((t) => t.seconds.toFixed(1)),
  );
  const failing = RULES.filter((r) => table.some((t) => t.counts[r] > 0));
  if (failing.length > 0) {
    console.log(`\nrealcheck: FAIL: ${failing.join(', ')}`);
    process.exitCode = 1;
  } else console.log('\nrealcheck: ok');
}

main().catch((err: unknown) => {
  console.error(`realcheck: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 2;
});
