// Runs the Go compiler's escape analysis on exactly the requested packages.
//
// One `go list -e -export -gcflags=-m=2 [-test] <patterns>` process compiles the listed packages
// (not their dependencies) with -m=2, prints the compiler's text on stderr under `# importpath`
// headers and reports compile errors in its JSON instead of failing. It costs the same as
// `go build`, works the same from Go 1.21 to 1.26, and tells us each package's files.

import { spawn, type ChildProcess } from 'node:child_process';
import { mark } from './timing';
import { accessSync, constants as fsConstants, existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PackageResult } from './types';

/** The module (or workspace) a directory belongs to, read from go.mod / go.work without running go. */
export interface GoModule {
  /** Directory of go.mod; the go.work directory when only a go.work was found. */
  root: string;
  /** The `module` line; '' when only a go.work was found. */
  modulePath: string;
  /** The `go` line. */
  goVersion: string | null;
  /** The `toolchain` line. */
  toolchain: string | null;
  /** The go.work in effect (found above, or named by GOWORK), if any. */
  workFile: string | null;
}

/** Options of one compiler run. */
export interface CompilerRunOptions {
  cwd: string;
  /** As the go command takes them: '.', './...', import paths, directories. */
  patterns: string[];
  /** Also compile test variants and external test packages; default true. */
  tests?: boolean;
  /** Compiler flags; default ['-m=2']. Replaces the default, e.g. ['-m', '-l']. */
  gcflags?: string[];
  tags?: string[];
  /** Default 'go'. */
  goBinary?: string;
  /** Merged over process.env (undefined removes a variable): GOFLAGS, GOOS, GOARCH, GOTOOLCHAIN, … */
  env?: Record<string, string | undefined>;
  /** Absolute path → unsaved buffer content, passed to go with -overlay. */
  overlay?: Map<string, string>;
  signal?: AbortSignal;
  /** Limit on the run once it has a slot (time waiting in the queue does not count). */
  timeoutMs?: number;
  /** Streams the go command's stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Called with the process id (= process group id) of every go process started. */
  onStart?: (pid: number) => void;
}

/** The outcome of one compiler run. */
export interface CompilerRun {
  goBinary: string;
  /** The toolchain that actually ran, e.g. go1.26.8 (honours GOTOOLCHAIN and the toolchain line). */
  goVersion: string;
  /** The fixed directory the compiler ran in; printed relative paths are relative to it. */
  workingDir: string;
  /** The module (or workspace) of the directory the run started from; null for standard-library patterns outside any module. */
  module: GoModule | null;
  /** The packages in scope, test variants preferred, each with its files and error. */
  packages: PackageResult[];
  /** The compiler's stderr restricted to the in-scope sections, headers included. */
  output: string;
  sections: CompilerSection[];
  exitCode: number;
  durationMs: number;
  /** go command messages outside package sections: downloads, pattern errors, warnings. */
  stderrOther: string;
}

/** One `# header` section of the compiler's output. */
export interface CompilerSection {
  /** The header as printed, e.g. 'p [p.test]'. */
  packagePath: string;
  /** The header without its ` [p.test]` suffix. */
  importPath: string;
  /** The lines after the header, each ending in a newline. */
  text: string;
}

/** The go binary could not be started. */
export class GoNotFoundError extends Error {
  constructor(readonly goBinary: string) {
    super(
      `Go not found: could not run "${goBinary}"` +
        (goBinary.includes('/') || goBinary.includes('\\') ? '' : ' (looked up on PATH)') +
        '. Install Go (https://go.dev/dl) or set the path of the go command (the goBinary option).',
    );
    this.name = 'GoNotFoundError';
  }
}

/** The directory is in no Go module or workspace and the patterns need one. */
export class NotInModuleError extends Error {
  constructor(readonly dir: string, readonly patterns: string[]) {
    super(
      `${dir} is not inside a Go module: no go.mod or go.work found in it or above it. ` +
        `Only standard-library packages can be analysed from here; patterns: ${patterns.join(' ')}. ` +
        'Open the module folder or create one with `go mod init`.',
    );
    this.name = 'NotInModuleError';
  }
}

/** The run was cancelled through its AbortSignal. */
export class CompilerRunCancelled extends Error {
  constructor() {
    super('Compiler run cancelled');
    this.name = 'CompilerRunCancelled';
  }
}

/** The run took longer than its timeoutMs. */
export class CompilerRunTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Compiler run timed out after ${timeoutMs} ms`);
    this.name = 'CompilerRunTimeout';
  }
}

/** `go list` failed as a whole (bad go.mod, unknown toolchain…) or the patterns matched no package. */
export class GoListError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = 'GoListError';
  }
}

// ---------------------------------------------------------------------------------------------
// Finding the module

/** Returns the module and go.work that `dir` belongs to, or null when there is neither. */
export async function findModule(
  dir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<GoModule | null> {
  const start = path.resolve(dir);
  const modFile = await findUp(start, 'go.mod');
  const workFile = await findWorkFile(start, env.GOWORK);
  if (modFile === null && workFile === null) return null;
  if (modFile !== null) {
    const fields = parseModFile(await fs.readFile(modFile, 'utf8'));
    return { root: path.dirname(modFile), ...fields, workFile };
  }
  const work = parseModFile(await fs.readFile(workFile as string, 'utf8'));
  return {
    root: path.dirname(workFile as string),
    modulePath: '',
    goVersion: work.goVersion,
    toolchain: work.toolchain,
    workFile,
  };
}

/** GOWORK=off disables workspaces; an absolute GOWORK names the file; otherwise go.work is searched upwards. */
async function findWorkFile(start: string, gowork: string | undefined): Promise<string | null> {
  if (gowork === 'off') return null;
  if (gowork !== undefined && gowork !== '' && path.isAbsolute(gowork)) {
    return (await isFile(gowork)) ? gowork : null;
  }
  return findUp(start, 'go.work');
}

async function findUp(start: string, name: string): Promise<string | null> {
  for (let d = start; ; d = path.dirname(d)) {
    const candidate = path.join(d, name);
    if (await isFile(candidate)) return candidate;
    if (path.dirname(d) === d) return null;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Returns the module path, go line and toolchain line of a go.mod (or go.work) text. */
export function parseModFile(text: string): Pick<GoModule, 'modulePath' | 'goVersion' | 'toolchain'> {
  let modulePath = '';
  let goVersion: string | null = null;
  let toolchain: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^(module|go|toolchain)\s+("(?:[^"\\]|\\.)*"|`[^`]*`|\S+)$/.exec(line);
    if (m === null) continue;
    const value = /^["`]/.test(m[2]) ? m[2].slice(1, -1) : m[2];
    if (m[1] === 'module') modulePath = value;
    else if (m[1] === 'go') goVersion = value;
    else toolchain = value;
  }
  return { modulePath, goVersion, toolchain };
}

// ---------------------------------------------------------------------------------------------
// Patterns

/** Whether a pattern names standard-library packages, which the go command finds outside modules. */
export function isStandardPattern(pattern: string): boolean {
  if (isDirectoryPattern(pattern) || pattern === 'all') return false;
  const first = pattern.split('/')[0];
  return first !== '' && !first.includes('.') && !first.includes(':');
}

/** Whether the go command reads this pattern as a directory (rather than an import path). */
export function isDirectoryPattern(pattern: string): boolean {
  return (
    pattern === '.' ||
    pattern === '..' ||
    pattern.startsWith('./') ||
    pattern.startsWith('../') ||
    pattern.startsWith('.\\') ||
    pattern.startsWith('..\\') ||
    path.isAbsolute(pattern)
  );
}

/** Returns the pattern rewritten relative to workingDir (`./sub/...`); import paths pass through. */
export function patternFromWorkingDir(pattern: string, cwd: string, workingDir: string): string {
  if (!isDirectoryPattern(pattern)) return pattern;
  const absolute = path.resolve(cwd, pattern);
  const rel = path.relative(workingDir, absolute);
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return absolute;
  return './' + rel.split(path.sep).join('/');
}

/** Quotes one compiler flag for the go command's -gcflags list, which splits on spaces. */
function quoteFlag(flag: string): string {
  if (!/[\s'"]/.test(flag)) return flag;
  return flag.includes("'") ? `"${flag}"` : `'${flag}'`;
}

// ---------------------------------------------------------------------------------------------
// go list's JSON

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
  return (
    p.Name === 'main' &&
    (p.ImportPath ?? '').endsWith('.test') &&
    (p.GoFiles ?? []).every((f) => path.isAbsolute(f))
  );
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
    packages.push({ importPath, dir, forTest: p.ForTest ?? null, files, error });
  }
  return { packages, patternErrors };
}

// ---------------------------------------------------------------------------------------------
// Compiler output

/**
 * Splits stderr into `# header` sections; lines outside any section and `go:` messages go to `other`.
 * A section's lines are copied as runs between the lines that leave it, not one by one: net/http
 * prints 35,000 lines.
 */
export function splitSections(stderr: string): { sections: CompilerSection[]; other: string } {
  const sections: CompilerSection[] = [];
  let other = '';
  let current: CompilerSection | null = null;
  // The run of lines [runStart, at) not yet added to the current section.
  let runStart = 0;
  const flush = (at: number): void => {
    if (current !== null && at > runStart) current.text += stderr.slice(runStart, at);
  };
  for (let at = 0; at < stderr.length; ) {
    const nl = stderr.indexOf('\n', at);
    const next = nl < 0 ? stderr.length : nl + 1;
    const header = stderr.startsWith('# ', at) ? /^# (.+?)\r?\n?$/.exec(stderr.slice(at, next)) : null;
    if (header !== null) {
      flush(at);
      current = { packagePath: header[1], importPath: header[1].replace(/ \[.*\]$/, ''), text: '' };
      sections.push(current);
      runStart = next;
    } else if (current === null || stderr.startsWith('go: ', at)) {
      flush(at);
      other += stderr.slice(at, next);
      runStart = next;
    }
    at = next;
  }
  flush(stderr.length);
  if (current !== null && current.text !== '' && !current.text.endsWith('\n')) current.text += '\n';
  return { sections, other };
}

// ---------------------------------------------------------------------------------------------
// Concurrency

let maxConcurrentRuns = 2;
let activeRuns = 0;
const queue: Array<() => void> = [];

/** Sets how many compiler runs may execute at once (default 2); queued runs start as slots free up. */
export function setMaxConcurrentRuns(n: number): void {
  maxConcurrentRuns = Math.max(1, Math.floor(n));
  pumpQueue();
}

function pumpQueue(): void {
  while (activeRuns < maxConcurrentRuns && queue.length > 0) {
    activeRuns++;
    (queue.shift() as () => void)();
  }
}

/** Resolves with a release function once a slot is free; rejects if the signal aborts first. */
function acquireSlot(signal: AbortSignal | undefined): Promise<() => void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CompilerRunCancelled());
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      activeRuns--;
      pumpQueue();
    };
    const start = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(release);
    };
    const onAbort = (): void => {
      const i = queue.indexOf(start);
      if (i >= 0) queue.splice(i, 1);
      reject(new CompilerRunCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    queue.push(start);
    pumpQueue();
  });
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Process groups still running, killed if this process exits so no compiler outlives us. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

/** Signals the whole process group (go and its compile/asm children). */
function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    } else {
      process.kill(-pid, sig);
    }
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once no process of the group is left (the kernel gives no event for this, so poll briefly). */
async function groupGone(pid: number): Promise<void> {
  for (let i = 0; i < 400 && groupAlive(pid); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Returns the group's members other than its leader, from /proc (Linux); null elsewhere. */
async function groupChildren(pgid: number): Promise<Array<{ pid: number; zombie: boolean }> | null> {
  if (process.platform !== 'linux') return null;
  const members: Array<{ pid: number; zombie: boolean }> = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === pgid) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) members.push({ pid: Number(entry), zombie: fields[0] === 'Z' });
  }
  return members;
}

function signalProcess(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** How long stopping may take before the whole group gets SIGKILL. */
const STOP_GRACE_MS = 300;

/**
 * Stops go and everything it started. The go command does not handle signals while building, so
 * killing it first would orphan its compile children, which then wait as zombies for init to reap
 * them. So kill the children while go is alive to reap them, and end go only when, frozen with
 * SIGSTOP so it cannot start another, it has none left. SIGKILL the group after a grace anyway.
 */
async function stopGroup(pid: number): Promise<void> {
  const grace = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
  try {
    for (let round = 0; round < 40; round++) {
      signalProcess(pid, 'SIGSTOP');
      const children = await groupChildren(pid);
      if (children === null || children.length === 0) break;
      for (const child of children) if (!child.zombie) signalProcess(child.pid, 'SIGKILL');
      signalProcess(pid, 'SIGCONT');
      await tick();
    }
    killGroup(pid, 'SIGKILL');
  } finally {
    clearTimeout(grace);
  }
}

interface GoProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs go in its own process group; on abort kills the whole group and rejects with the signal's reason. */
function runGo(
  goBinary: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  onStderr?: (chunk: string) => void,
  onStart?: (pid: number) => void,
): Promise<GoProcessResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    installExitHook();
    let child: ChildProcess;
    try {
      const [command, commandArgs] = withParentDeathSignal(goBinary, args, env, cwd);
      child = spawn(command, commandArgs, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      return reject(spawnError(e, goBinary));
    }
    const pid = child.pid;
    if (pid !== undefined) {
      liveGroups.add(pid);
      onStart?.(pid);
    }
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(d);
    });
    let stopping: Promise<void> = Promise.resolve();
    const onAbort = (): void => {
      if (pid !== undefined) stopping = stopGroup(pid);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      if (pid !== undefined) liveGroups.delete(pid);
      reject(spawnError(e, goBinary));
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (pid === undefined) return;
      if (signal.aborted) {
        void stopping.then(() => {
          killGroup(pid, 'SIGKILL');
          return groupGone(pid);
        }).then(() => {
          liveGroups.delete(pid);
          reject(signal.reason);
        });
        return;
      }
      liveGroups.delete(pid);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const SETPRIV = '/usr/bin/setpriv';
let setprivAvailable: boolean | undefined;

/**
 * On Linux, runs go through util-linux's `setpriv --pdeathsig KILL`, so the kernel kills go when
 * this process dies without a chance to clean up (SIGKILL, a crash): go is in its own process group
 * and would otherwise outlive a killed language server. Its compile children then exit on their own
 * (their output pipes are gone). Only when the go binary is known to exist, so that a missing go is
 * still reported as ENOENT by spawn itself.
 */
export function withParentDeathSignal(goBinary: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): [string, string[]] {
  if (process.platform !== 'linux') return [goBinary, args];
  setprivAvailable ??= existsSync(SETPRIV);
  const resolved = setprivAvailable ? resolveExecutable(goBinary, env.PATH ?? '', cwd) : null;
  return resolved ? [SETPRIV, ['--pdeathsig', 'KILL', '--', resolved, ...args]] : [goBinary, args];
}

/** The executable a command name resolves to on PATH (or the path itself), or null. */
function resolveExecutable(command: string, searchPath: string, cwd: string): string | null {
  const candidates = command.includes('/') ? [path.resolve(cwd, command)] : searchPath.split(':').filter(Boolean).map((d) => path.resolve(cwd, d, command));
  for (const c of candidates) {
    try {
      accessSync(c, fsConstants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // Not here.
    }
  }
  return null;
}

function spawnError(e: unknown, goBinary: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') return new GoNotFoundError(goBinary);
  return e instanceof Error ? e : new Error(String(e));
}

/** Writes the overlay buffers and the -overlay JSON into dir; returns the JSON's path. */
async function writeOverlay(dir: string, buffers: Map<string, string>): Promise<string> {
  const replace: Record<string, string> = {};
  let i = 0;
  for (const [target, content] of buffers) {
    const file = path.join(dir, `overlay-${i++}-${path.basename(target)}`);
    await fs.writeFile(file, content);
    replace[path.resolve(target)] = file;
  }
  const file = path.join(dir, 'overlay.json');
  await fs.writeFile(file, JSON.stringify({ Replace: replace }));
  return file;
}

// ---------------------------------------------------------------------------------------------
// The run

/** Returns the go list arguments that compile `patterns` with the compiler flags (pure). */
export function compilerArgs(opts: {
  patterns: string[];
  tests: boolean;
  gcflags: string[];
  tags: string[];
  overlayFile: string | null;
}): string[] {
  const args = ['list', '-e', '-export', `-json=${LIST_FIELDS}`, `-gcflags=${opts.gcflags.map(quoteFlag).join(' ')}`];
  if (opts.tags.length > 0) args.push(`-tags=${opts.tags.join(',')}`);
  if (opts.tests) args.push('-test');
  if (opts.overlayFile !== null) args.push(`-overlay=${opts.overlayFile}`);
  args.push('--', ...opts.patterns);
  return args;
}

/** This process's environment with `extra` applied (an undefined value removes the variable). */
export function mergeEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Compiles exactly the requested packages with -m=2 (or the given gcflags) and returns their output. */
export async function runCompiler(opts: CompilerRunOptions): Promise<CompilerRun> {
  const started = Date.now();
  const goBinary = opts.goBinary ?? 'go';
  const env = mergeEnv(opts.env);
  const cwd = path.resolve(opts.cwd);
  // Like the go command, no pattern means the package in the current directory.
  const requested = opts.patterns.length > 0 ? opts.patterns : ['.'];
  const module = await findModule(cwd, env);
  if (module === null && !requested.every(isStandardPattern)) {
    throw new NotInModuleError(cwd, requested);
  }
  // One fixed directory, so the cache replays outputs with the same relative paths.
  const workingDir = module === null ? cwd : module.workFile ? path.dirname(module.workFile) : module.root;
  if (!(await fs.stat(workingDir).catch(() => null))?.isDirectory()) {
    throw new Error(`Directory not found: ${workingDir}`);
  }
  const patterns = requested.map((p) => patternFromWorkingDir(p, cwd, workingDir));

  const release = await acquireSlot(opts.signal);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(new CompilerRunCancelled());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => controller.abort(new CompilerRunTimeout(opts.timeoutMs as number)), opts.timeoutMs)
      : undefined;
  // A temp dir per run for the overlay and for go's own work dir (GOTMPDIR): a killed go command
  // cannot remove its $WORK, so we remove it.
  const tempDir = await fs.mkdtemp(path.join(env.GOTMPDIR || os.tmpdir(), 'heapscope-run-'));
  const goEnv = { ...env, GOTMPDIR: tempDir };
  try {
    if (opts.signal?.aborted) throw new CompilerRunCancelled();
    const overlayFile =
      opts.overlay !== undefined && opts.overlay.size > 0 ? await writeOverlay(tempDir, opts.overlay) : null;
    const args = compilerArgs({
      patterns,
      tests: opts.tests ?? true,
      gcflags: opts.gcflags ?? ['-m=2'],
      tags: opts.tags ?? [],
      overlayFile,
    });
    mark('go started');
    const settled = await Promise.allSettled([
      runGo(goBinary, args, workingDir, goEnv, controller.signal, opts.onStderr, opts.onStart),
      runGo(goBinary, ['env', 'GOVERSION'], workingDir, goEnv, controller.signal, undefined, opts.onStart),
    ]);
    if (settled[0].status === 'rejected') throw settled[0].reason;
    if (settled[1].status === 'rejected') throw settled[1].reason;
    const list = settled[0].value;
    const version = settled[1].value;
    mark('go exited');
    const { sections, other } = splitSections(list.stderr);
    if (list.code !== 0 && list.stdout.trim() === '') {
      throw new GoListError(`go list failed (exit code ${list.code}) in ${workingDir}:\n${list.stderr.trim()}`, list.stderr);
    }
    const { packages, patternErrors } = selectPackages(parseJsonStream(list.stdout) as ListedPackage[]);
    const stderrOther = other + patternErrors.map((e) => e + '\n').join('');
    if (packages.length === 0) {
      const why = stderrOther.trim() || 'no packages matched';
      throw new GoListError(`No Go packages to analyse for ${requested.join(' ')} in ${workingDir}: ${why}`, list.stderr);
    }
    const inScope = new Set(packages.map((p) => p.importPath));
    const kept = sections.filter((s) => inScope.has(s.packagePath));
    return {
      goBinary,
      module,
      goVersion: version.code === 0 ? version.stdout.trim() : 'unknown',
      workingDir,
      packages,
      output: kept.map((s) => `# ${s.packagePath}\n${s.text}`).join(''),
      sections: kept,
      exitCode: list.code,
      durationMs: Date.now() - started,
      stderrOther,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    release();
    await fs.rm(tempDir, { recursive: true, force: true });
  }
}
