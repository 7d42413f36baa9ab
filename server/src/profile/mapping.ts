// Landing profile lines on the user's files. Profiles are usually taken elsewhere (another
// machine, a container, the module cache, -trimpath builds), so the package-qualified function
// name chooses the local package, the file's base name the file, and the path only confirms.
// A line must lie inside a declaration of the profile's function in the local file; when it
// does not, the file changed since the profile was taken and the numbers are withheld.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { goParser } from '../engine/goParser';
import { chosenValue, type CallPath, type CostPair, type ProfileAttribution } from './attribute';
import type { ProfileSampleType } from '../protocol/settings';

/** The local module profile lines are mapped onto. */
export interface LocalModule {
  /** Absolute directory holding go.mod. */
  root: string;
  /** The module path from go.mod, e.g. `example.com/mod`. */
  modulePath: string;
  /** Absolute paths of the Go files of the module's packages (test files included when wanted). */
  files: string[];
}

/** Why bytes of a profile line could not be placed on a local line. */
export type UnmappedReason = 'not in this module' | 'no local file matches' | 'line beyond end of file' | 'file changed since profile';

/** A profile line placed on a local file. */
export interface MappedLine {
  /** Local absolute path. */
  file: string;
  line: number;
  /** 1-based byte columns of the line's first non-blank byte and its end (exclusive), for ranges. */
  column: number;
  endColumn: number;
  function: string;
  /** The file name the profile recorded. */
  profileFile: string;
  /** Import path of the local package. */
  packagePath: string;
  flat: CostPair;
  cum: CostPair;
  inlined: CostPair;
  paths: CallPath[];
}

/** Bytes the profile put on some file that could not be placed, with why. */
export interface UnmappedFile {
  /** The file name as the profile recorded it. */
  file: string;
  reason: UnmappedReason;
  bytes: number;
  objects: number;
}

/** An attribution placed on a local module. */
export interface MappedProfile {
  sampleType: ProfileSampleType;
  total: CostPair;
  /** Flat cost of the lines that were placed. */
  mapped: CostPair;
  /** Flat cost that was not placed, per profile file and reason, heaviest first. */
  unmapped: UnmappedFile[];
  /** Placed lines (any with flat, inlined or cum cost), heaviest flat first. */
  lines: MappedLine[];
}

interface LocalPackage {
  importPath: string;
  dir: string;
  /** Base name → absolute path. */
  files: Map<string, string>;
}

interface FuncDecl {
  receiver: string | null;
  name: string;
  startLine: number;
  endLine: number;
}

interface LocalFile {
  lines: string[];
  decls: FuncDecl[];
}

/** A profile function name split into what the source declares. */
export interface ProfileFunctionName {
  /** The package part, e.g. `example.com/mod/sub` (or `main`). */
  packagePath: string;
  /** Receiver type name for methods, without `*` or type arguments. */
  receiver: string | null;
  /** The declared function or method (closures, deferwrap/gowrap and type arguments removed); null for package-level initialisers. */
  name: string | null;
}

/** Returns the package, receiver and declared name in a Go symbol such as `example.com/m/sub.(*T[go.shape.int]).M.func1`. */
export function parseFunctionName(symbol: string): ProfileFunctionName {
  const plain = stripTypeArgs(symbol);
  const slash = plain.lastIndexOf('/');
  const dot = plain.indexOf('.', slash + 1);
  if (dot < 0) return { packagePath: plain, receiver: null, name: null };
  const packagePath = plain.slice(0, dot);
  const rest = plain.slice(dot + 1);
  const [, methodReceiver, methodName] = /^\(\*?([^)]+)\)\.([^.]+)/.exec(rest) ?? [];
  if (methodReceiver !== undefined && methodName !== undefined) return { packagePath, receiver: methodReceiver, name: methodName };
  // `split` always yields at least one element, so the default never applies.
  const [first = '', second] = rest.split('.');
  if (first === 'glob' || first === '') return { packagePath, receiver: null, name: null };
  // After the first element come closures (func1, 1), wrappers (deferwrap1, gowrap1) or, for a
  // value-receiver method `T.M`, the method name.
  if (second !== undefined && !/^(func|deferwrap|gowrap)\d+$|^\d+$/.test(second)) {
    return { packagePath, receiver: first, name: second };
  }
  return { packagePath, receiver: null, name: first };
}

/** Returns a symbol with every bracketed type-argument list removed. */
function stripTypeArgs(s: string): string {
  let out = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/** Returns a module-cache path with `!x` unescaped to `X` and `@version` removed from path elements. */
export function unescapeModulePath(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase())
    .replace(/@[^/]+/g, '');
}

/** Returns the local packages of a module, keyed by import path (vendored packages by their own path). */
function localPackages(module: LocalModule): LocalPackage[] {
  const byDir = new Map<string, LocalPackage>();
  for (const file of module.files) {
    const dir = path.dirname(file);
    let pkg = byDir.get(dir);
    if (!pkg) {
      const rel = path.relative(module.root, dir).split(path.sep).join('/');
      const vendoredPath = /(^|\/)vendor\/(.+)$/.exec(rel)?.[2];
      const importPath = vendoredPath ?? (rel === '' ? module.modulePath : `${module.modulePath}/${rel}`);
      pkg = { importPath, dir, files: new Map() };
      byDir.set(dir, pkg);
    }
    pkg.files.set(path.basename(file), file);
  }
  return [...byDir.values()];
}

/** Returns the function and method declarations of Go source with their 1-based line spans. */
export function functionDeclarations(source: string): FuncDecl[] {
  // tree-sitter's default buffer is 32 KiB; large files need a callback or a bigger buffer.
  const tree = goParser().parse(source, undefined, { bufferSize: Math.max(32 * 1024, source.length * 2 + 1) });
  const decls: FuncDecl[] = [];
  for (const node of tree.rootNode.namedChildren) {
    if (node.type !== 'function_declaration' && node.type !== 'method_declaration') continue;
    const name = node.childForFieldName('name')?.text ?? '';
    const recvText = node.childForFieldName('receiver')?.text ?? null;
    const receiver = recvText ? (/([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\)\s*$/.exec(recvText)?.[1] ?? null) : null;
    decls.push({ receiver, name, startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1 });
  }
  return decls;
}

/** Returns the length of the common suffix of two slash paths, in path elements. */
function commonSuffix(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) n++;
  return n;
}

/** Returns the local package a function belongs to, or null (standard library, dependencies). */
function packageOf(fn: ProfileFunctionName, pkgs: LocalPackage[], profileFile: string): LocalPackage[] {
  const p = fn.packagePath.replace(/_test$/, '');
  if (p === 'main') {
    // Commands are compiled as package main whatever their import path: choose by file path.
    const base = path.posix.basename(profileFile.replace(/\\/g, '/'));
    return pkgs.filter((k) => k.files.has(base));
  }
  return pkgs.filter((k) => k.importPath === p);
}

/** Returns the attribution placed on a local module, with the unplaced cost and the reasons. */
export function mapProfileToModule(attribution: ProfileAttribution, module: LocalModule, readFile: (file: string) => string | null = readOrNull): MappedProfile {
  const pkgs = localPackages(module);
  const fileCache = new Map<string, LocalFile | null>();
  const loadLocal = (file: string): LocalFile | null => {
    if (!fileCache.has(file)) {
      const text = readFile(file);
      fileCache.set(file, text === null ? null : { lines: text.split('\n'), decls: functionDeclarations(text) });
    }
    return fileCache.get(file) ?? null;
  };
  const fileFor = new Map<string, { file: string; pkg: LocalPackage } | UnmappedReason>();
  const resolveFile = (fnName: string, profileFile: string): { file: string; pkg: LocalPackage } | UnmappedReason => {
    const key = `${fnName}\u0000${profileFile}`;
    let r = fileFor.get(key);
    if (r === undefined) {
      r = resolveFileUncached(parseFunctionName(fnName), profileFile, pkgs);
      fileFor.set(key, r);
    }
    return r;
  };

  const lines: MappedLine[] = [];
  const unmapped = new Map<string, UnmappedFile>();
  const mapped: CostPair = { bytes: 0, objects: 0 };
  for (const pl of attribution.lines) {
    const loc = resolveFile(pl.function, pl.file);
    let reason: UnmappedReason | null = typeof loc === 'string' ? loc : null;
    let placed: MappedLine | null = null;
    if (typeof loc !== 'string') {
      const local = loadLocal(loc.file);
      const source = local ? lineAt(local.lines, pl.line) : undefined;
      if (!local) reason = 'no local file matches';
      else if (source === undefined) reason = 'line beyond end of file';
      else if (!withinDeclaration(parseFunctionName(pl.function), pl.line, local.decls)) reason = 'file changed since profile';
      else {
        const text = source.replace(/\r$/, '');
        const indent = /^\s*/.exec(text)?.[0] ?? '';
        placed = {
          file: loc.file,
          line: pl.line,
          column: Buffer.byteLength(indent) + 1,
          endColumn: Buffer.byteLength(text) + 1,
          function: pl.function,
          profileFile: pl.file,
          packagePath: loc.pkg.importPath,
          flat: pl.flat,
          cum: pl.cum,
          inlined: pl.inlined,
          paths: pl.paths,
        };
      }
    }
    if (placed) {
      lines.push(placed);
      mapped.bytes += pl.flat.bytes;
      mapped.objects += pl.flat.objects;
    } else if (reason && (pl.flat.bytes > 0 || pl.flat.objects > 0)) {
      const key = `${pl.file}\u0000${reason}`;
      const u = unmapped.get(key) ?? { file: pl.file, reason, bytes: 0, objects: 0 };
      u.bytes += pl.flat.bytes;
      u.objects += pl.flat.objects;
      unmapped.set(key, u);
    }
  }
  const st = attribution.sampleType;
  lines.sort((a, b) => chosenValue(b.flat, st) - chosenValue(a.flat, st) || chosenValue(b.cum, st) - chosenValue(a.cum, st));
  const unmappedList = [...unmapped.values()].sort((a, b) => chosenValue(b, st) - chosenValue(a, st));
  return { sampleType: st, total: attribution.total, mapped, unmapped: unmappedList, lines };
}

/** Returns the local file a profile function and file land on, or why there is none. */
function resolveFileUncached(fn: ProfileFunctionName, profileFile: string, pkgs: LocalPackage[]): { file: string; pkg: LocalPackage } | UnmappedReason {
  const candidates = packageOf(fn, pkgs, profileFile);
  if (candidates.length === 0) {
    return fn.packagePath === 'main' ? 'no local file matches' : 'not in this module';
  }
  const wanted = unescapeModulePath(profileFile);
  const base = path.posix.basename(wanted);
  let best: { file: string; pkg: LocalPackage; score: number } | null = null;
  for (const pkg of candidates) {
    const file = pkg.files.get(base);
    if (!file) continue;
    // The path only confirms: prefer the package whose import path or directory shares the longest suffix.
    const score = Math.max(commonSuffix(`${pkg.importPath}/${base}`, wanted), commonSuffix(file.split(path.sep).join('/'), wanted));
    if (!best || score > best.score) best = { file, pkg, score };
  }
  return best ? { file: best.file, pkg: best.pkg } : 'no local file matches';
}

/** Returns true when the line lies inside a declaration of the profile's function (package initialisers always pass). */
function withinDeclaration(fn: ProfileFunctionName, line: number, decls: FuncDecl[]): boolean {
  if (fn.name === null) return true;
  return decls.some((d) => d.name === fn.name && (fn.receiver === null ? d.receiver === null : d.receiver === fn.receiver) && line >= d.startLine && line <= d.endLine);
}

/** Returns the number of lines of a split file (a final newline does not start a line). */
function lineCount(lines: string[]): number {
  return lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}

/** Returns 1-based line `line` of a split file, or undefined when the file has no such line. */
function lineAt(lines: string[], line: number): string | undefined {
  return line >= 1 && line <= lineCount(lines) ? lines[line - 1] : undefined;
}

/** Returns a file's text or null when it cannot be read. */
function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
