// Module discovery: the go.mod and go.work a directory belongs to, read without running go. The
// runner compiles from the module root (or the go.work directory), so printed paths stay the same
// whichever subdirectory a run starts from.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isDirectoryPattern } from './goList';

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

/** The directory is in no Go module or workspace and the patterns need one. */
export class NotInModuleError extends Error {
  constructor(
    readonly dir: string,
    readonly patterns: string[],
  ) {
    super(
      `${dir} is not inside a Go module: no go.mod or go.work found in it or above it. ` +
        `Only standard-library packages can be analysed from here; patterns: ${patterns.join(' ')}. ` +
        'Open the module folder or create one with `go mod init`.',
    );
    this.name = 'NotInModuleError';
  }
}

/** Returns the module and go.work that `dir` belongs to, or null when there is neither. */
export async function findModule(dir: string, env: Record<string, string | undefined> = process.env): Promise<GoModule | null> {
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

/** Patterns that one compiler run takes, as if started in `cwd`. */
export interface PatternGroup {
  cwd: string;
  patterns: string[];
}

/**
 * Splits patterns by the module (or workspace) their directory belongs to, so that each directory
 * argument is analysed as if the command had started in it: one group, the patterns untouched (but
 * `dir/...` naming a directory becomes `./dir/...`), when they all belong to the module of `cwd`; otherwise a group per module, started in the
 * directory of its first pattern, with directories made absolute. Import paths stay with `cwd`.
 */
export async function patternsByModule(patterns: string[], cwd: string, env: Record<string, string | undefined> = process.env): Promise<PatternGroup[]> {
  const home = await runDirOf(cwd, env);
  const groups = new Map<string | null, PatternGroup>();
  let allHome = true;
  for (const pattern of patterns) {
    let key = home;
    let dir = cwd;
    let absolute = pattern;
    if (isDirectoryPattern(pattern) || (await namesDirectory(pattern, cwd))) {
      absolute = path.resolve(cwd, pattern);
      dir = absolute.endsWith(`${path.sep}...`) ? path.dirname(absolute) : absolute;
      key = await runDirOf(dir, env);
    }
    if (key !== home) allHome = false;
    const group = groups.get(key) ?? { cwd: key === home ? cwd : dir, patterns: [] };
    group.patterns.push(absolute);
    groups.set(key, group);
  }
  if (!allHome) return [...groups.values()];
  return [{ cwd, patterns: await Promise.all(patterns.map(async (p) => (!isDirectoryPattern(p) && (await namesDirectory(p, cwd)) ? `./${p}` : p))) }];
}

/**
 * Whether an import-path-looking pattern (`dir/...`, `sub/pkg`) names a directory under `cwd`: the
 * user means the directory, which the go command would look up as an import path instead.
 */
async function namesDirectory(pattern: string, cwd: string): Promise<boolean> {
  if (pattern === 'all' || pattern === 'std' || pattern === 'cmd') return false;
  const dir = pattern === '...' ? '' : pattern.replace(/\/\.\.\.$/, '');
  if (dir === '' || dir.includes('...')) return false;
  return (await fs.stat(path.resolve(cwd, dir)).catch(() => null))?.isDirectory() ?? false;
}

/** The directory the runner compiles `dir`'s packages from: its go.work's, its module's, or null. */
async function runDirOf(dir: string, env: Record<string, string | undefined>): Promise<string | null> {
  const module = await findModule(dir, env);
  if (module === null) return null;
  return module.workFile !== null ? path.dirname(module.workFile) : module.root;
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

/** Whether p is a regular file (false when it does not exist or cannot be read). */
export async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Returns the module directories a go.work's `use` lines name, absolute; [] when it cannot be read. */
export async function readWorkModules(workFile: string): Promise<string[]> {
  const text = await fs.readFile(workFile, 'utf8').catch(() => '');
  return parseWorkUses(text).map((dir) => path.resolve(path.dirname(workFile), dir));
}

/** Returns the directories of a go.work's `use` lines (single and block form), as written. */
export function parseWorkUses(text: string): string[] {
  const dirs: string[] = [];
  let inBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line !== '') dirs.push(unquote(line));
      continue;
    }
    if (/^use\s*\($/.test(line)) inBlock = true;
    else {
      const m = /^use\s+(\S.*)$/.exec(line);
      if (m?.[1] !== undefined) dirs.push(unquote(m[1].trim()));
    }
  }
  return dirs;
}

function unquote(word: string): string {
  return /^["`]/.test(word) ? word.slice(1, -1) : word;
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
    // Both groups are required by the pattern; the check only narrows their types.
    const [, keyword, word] = m;
    if (keyword === undefined || word === undefined) continue;
    const value = /^["`]/.test(word) ? word.slice(1, -1) : word;
    if (keyword === 'module') modulePath = value;
    else if (keyword === 'go') goVersion = value;
    else toolchain = value;
  }
  return { modulePath, goVersion, toolchain };
}
