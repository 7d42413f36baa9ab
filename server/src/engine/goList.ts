// What the runner asks `go list` and how it reads the answer: the patterns (rewritten for the
// directory go runs in), the arguments of the one `go list -e -export -json` call, and its stream
// of package JSON turned into the packages in scope.

import * as path from 'node:path';
import { isInside } from './paths';
import { NO_PGO, type PgoPlan } from './pgo';
import type { PackageResult } from './types';

/** Whether a pattern names standard-library packages, which the go command finds outside modules. */
export function isStandardPattern(pattern: string): boolean {
  if (isDirectoryPattern(pattern) || pattern === 'all') return false;
  // split always returns at least one element; the default only satisfies the type.
  const [first = ''] = pattern.split('/');
  return first !== '' && !first.includes('.') && !first.includes(':');
}

/** Whether the go command reads this pattern as a directory (rather than an import path). */
export function isDirectoryPattern(pattern: string): boolean {
  return pattern === '.' || pattern === '..' || pattern.startsWith('./') || pattern.startsWith('../') || pattern.startsWith('.\\') || pattern.startsWith('..\\') || path.isAbsolute(pattern);
}

/** Returns the pattern rewritten relative to workingDir (`./sub/...`); import paths pass through. */
export function patternFromWorkingDir(pattern: string, cwd: string, workingDir: string): string {
  if (!isDirectoryPattern(pattern)) return pattern;
  const absolute = path.resolve(cwd, pattern);
  const rel = path.relative(workingDir, absolute);
  if (rel === '') return '.';
  if (isParentPath(rel) || path.isAbsolute(rel)) return absolute;
  return './' + rel.split(path.sep).join('/');
}

/** Whether a relative path climbs out of its base: `..` and `../x`, not `...` (a wildcard) or `..foo`. */
function isParentPath(rel: string): boolean {
  return rel === '..' || rel.startsWith('..' + path.sep) || rel.startsWith('../');
}

/**
 * Returns a pattern of the go.work directory with its wildcard spread over the workspace modules:
 * the go command refuses `./...` where no module of go.work contains the directory, so `./...` at a
 * go.work root becomes `./a/...` and `./b/...` for the modules under it. `pattern` is relative to
 * `workingDir` (the go.work directory, as patternFromWorkingDir gives it); other patterns, and
 * directories inside a module, pass through.
 */
export function spreadOverWorkspace(pattern: string, workingDir: string, workModules: readonly string[]): string[] {
  if (!isDirectoryPattern(pattern) || !(pattern === '...' || pattern.endsWith('/...'))) return [pattern];
  const dir = path.resolve(workingDir, pattern.slice(0, -'...'.length) || '.');
  if (workModules.some((m) => isInside(dir, m))) return [pattern];
  const under = workModules.filter((m) => isInside(m, dir));
  if (under.length === 0) return [pattern];
  return under.map((m) => patternFromWorkingDir(path.join(m, '...'), workingDir, workingDir));
}

/** Quotes one compiler flag for the go command's -gcflags list, which splits on spaces. */
function quoteFlag(flag: string): string {
  if (!/[\s'"]/.test(flag)) return flag;
  return flag.includes("'") ? `"${flag}"` : `'${flag}'`;
}

/** The fields of `go list -json` that the runner reads. */
interface ListedPackage {
  ImportPath?: string;
  Dir?: string;
  ForTest?: string;
  Name?: string;
  GoFiles?: string[];
  CgoFiles?: string[];
  Export?: string;
  Incomplete?: boolean;
  Error?: { Err?: string };
  DepsErrors?: Array<{ Err?: string }>;
}

const LIST_FIELDS = 'ImportPath,Dir,ForTest,Name,GoFiles,CgoFiles,Export,Incomplete,Error,DepsErrors';

/** Splits go list's stream of concatenated JSON objects and parses each. */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  if (depth !== 0) throw new SyntaxError('go list printed a truncated JSON object');
  return values;
}

/** The generated `p.test` main package: its files live in the build cache, never the user's. */
function isTestMain(p: ListedPackage): boolean {
  return p.Name === 'main' && (p.ImportPath ?? '').endsWith('.test') && (p.GoFiles ?? []).every((f) => path.isAbsolute(f));
}

/** Strips the `# importpath` line go list puts in front of a compile error. */
function errorText(err: string): string {
  return err.replace(/^# [^\n]*\n/, '').replace(/\n$/, '');
}

/** Returns the packages in scope (test variants replacing their plain package) and pattern errors. */
export function selectPackages(listed: ListedPackage[]): { packages: PackageResult[]; patternErrors: string[] } {
  // A plain package gives way to its test variant, which compiles the same files and more, unless
  // the variant failed (a broken _test.go): then the plain package still has its decisions.
  const variants = new Set(listed.filter((p) => p.ForTest && !p.Error).map((p) => p.ImportPath));
  const packages: PackageResult[] = [];
  const patternErrors: string[] = [];
  for (const p of listed) {
    const importPath = p.ImportPath ?? '';
    if (isTestMain(p)) continue;
    if (!p.ForTest && variants.has(`${importPath} [${importPath}.test]`)) continue;
    if (p.Name === undefined && p.Dir === undefined) {
      // A pattern that matched nothing, or an import path no module provides.
      patternErrors.push(p.Error?.Err ?? `${importPath}: not found`);
      continue;
    }
    const dir = p.Dir ?? '';
    const files = [...new Set([...(p.GoFiles ?? []), ...(p.CgoFiles ?? [])])].map((f) => path.resolve(dir, f));
    let error: string | null = null;
    if (p.Error?.Err) error = errorText(p.Error.Err);
    else if (p.DepsErrors?.length && p.Export === undefined) {
      error = 'not compiled: a dependency has errors:\n' + p.DepsErrors.map((e) => errorText(e.Err ?? '')).join('\n');
    }
    packages.push({ importPath, dir, forTest: p.ForTest ?? null, files, error, ...(p.Export ? { exportFile: p.Export } : {}) });
  }
  return { packages, patternErrors };
}

/** Returns the go list arguments that compile `patterns` with the compiler flags (pure). */
export function compilerArgs(opts: {
  patterns: string[];
  tests: boolean;
  gcflags: string[];
  tags: string[];
  overlayFile: string | null;
  /** The profile of each package as the user's build picks it (pgo.ts); default none. */
  pgo?: PgoPlan;
}): string[] {
  const args = ['list', '-e', '-export', `-json=${LIST_FIELDS}`];
  const flags = (extra: string[]): string => [...opts.gcflags, ...extra].map(quoteFlag).join(' ');
  const pgo = opts.pgo ?? NO_PGO;
  // For each package the go command uses the last -gcflags whose pattern matches it, so the
  // profile of every package comes first and the named packages' own flags after it.
  if (pgo.all !== null) args.push(`-gcflags=all=${quoteFlag(`-pgoprofile=${pgo.all}`)}`);
  const named = pgo.packages.find((p) => p.pattern === null);
  args.push(`-gcflags=${flags(named ? [`-pgoprofile=${named.profile}`] : [])}`);
  for (const p of pgo.packages) {
    if (p.pattern !== null) args.push(`-gcflags=${p.pattern}=${flags([`-pgoprofile=${p.profile}`])}`);
  }
  if (opts.tags.length > 0) args.push(`-tags=${opts.tags.join(',')}`);
  if (opts.tests) args.push('-test');
  if (opts.overlayFile !== null) args.push(`-overlay=${opts.overlayFile}`);
  args.push('--', ...opts.patterns);
  return args;
}

/** Returns the packages in scope and the pattern errors of `go list -json` output (see selectPackages). */
export function readPackageList(listJson: string): { packages: PackageResult[]; patternErrors: string[] } {
  return selectPackages(parseJsonStream(listJson) as ListedPackage[]);
}
