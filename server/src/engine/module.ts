// Module discovery: the go.mod and go.work a directory belongs to, read without running go. The
// runner compiles from the module root (or the go.work directory), so printed paths stay the same
// whichever subdirectory a run starts from.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

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
