// Landing profile lines on the user's files. Profiles are usually taken elsewhere (another
// machine, a container, the module cache, -trimpath builds), so the package-qualified function
// name chooses the local package, the file's base name the file, and the path only confirms.
// The local file must still hold the function where the profile's build saw it: a declaration of
// that name, or a func literal for a closure, starting at the profile's start line and spanning the
// line; when it does not, the file changed since the profile was taken and the numbers are withheld.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { goParser } from '../engine/goParser';
import { withoutTypeArguments } from '../engine/messages';
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

/** One frame of an allocation chain: placed on a local line, or as the profile names it. */
export interface MappedFrame {
  function: string;
  /** The local absolute path when placed, else the profile's file name. */
  file: string;
  line: number;
  placed: boolean;
}

/** An allocation chain (see AllocationChain) with its frames placed where they can be. */
export interface MappedAllocation extends CostPair {
  /** Innermost (where the inlined callee allocates) first, the user's call site last. */
  frames: MappedFrame[];
}

/** An attribution placed on a local module. */
export interface MappedProfile {
  sampleType: ProfileSampleType;
  total: CostPair;
  /** Cost of the allocations with a frame on a local line (each sample once). */
  mapped: CostPair;
  /** Cost of the allocations with no frame placed, per profile file and reason, heaviest first. */
  unmapped: UnmappedFile[];
  /** Placed lines (any with flat, inlined or cum cost), heaviest flat first. */
  lines: MappedLine[];
  /** The allocations with at least one placed frame: what findings share out, each sample once. */
  allocations: MappedAllocation[];
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

/** A function of a source file: a declaration (named) or a func literal (name null). */
export interface FuncSpan {
  receiver: string | null;
  name: string | null;
  startLine: number;
  endLine: number;
  /** For a literal: whether it lies outside every declared function (a package-level variable's initialiser). */
  packageLevel: boolean;
}

interface LocalFile {
  lines: string[];
  funcs: FuncSpan[];
}

/** A profile function name split into what the source declares. */
export interface ProfileFunctionName {
  /** The package part, e.g. `example.com/mod/sub` (or `main`). */
  packagePath: string;
  /** Receiver type name for methods, without `*` or type arguments. */
  receiver: string | null;
  /** The declared function or method (closures, deferwrap/gowrap and type arguments removed); null for package-level initialisers. */
  name: string | null;
  /**
   * What the symbol is: the declared function itself, a closure in it (`func1`, or `1` for one nested
   * in a closure; a package-level variable's literal is `init.func1`), or a go/defer or method
   * value (`-fm`) wrapper.
   */
  part: 'declared' | 'closure' | 'wrapper';
}

/** Returns the package, receiver and declared name in a Go symbol such as `example.com/m/sub.(*T[go.shape.int]).M.func1`. */
export function parseFunctionName(symbol: string): ProfileFunctionName {
  // A method value's wrapper (`T.M-fm`) is generated code standing for the method.
  const methodValue = symbol.endsWith('-fm');
  const plain = withoutTypeArguments(methodValue ? symbol.slice(0, -3) : symbol);
  const slash = plain.lastIndexOf('/');
  const dot = plain.indexOf('.', slash + 1);
  if (dot < 0) return { packagePath: plain, receiver: null, name: null, part: 'declared' };
  const packagePath = plain.slice(0, dot);
  const rest = plain.slice(dot + 1);
  // The last element says what the symbol is (`init.0` is the first init function itself).
  const part = methodValue || /(^|\.)(deferwrap|gowrap)\d+$/.test(rest) ? 'wrapper' : /(^|\.)(func\d+|\d+)$/.test(rest) && !/^init\.\d+$/.test(rest) ? 'closure' : 'declared';
  const [, methodReceiver, methodName] = /^\(\*?([^)]+)\)\.([^.]+)/.exec(rest) ?? [];
  if (methodReceiver !== undefined && methodName !== undefined) return { packagePath, receiver: methodReceiver, name: methodName, part };
  // `split` always yields at least one element, so the default never applies.
  const [first = '', second] = rest.split('.');
  // `glob.` (older) and a bare `init` are the package initialiser, which runs the package-level
  // variables' initialisers; `init.0`, `init.1` are the package's own init functions.
  if (first === 'glob' || first === '' || rest === 'init') return { packagePath, receiver: null, name: null, part };
  // After the first element come closures (func1, 1), wrappers (deferwrap1, gowrap1) or, for a
  // value-receiver method `T.M`, the method name.
  if (second !== undefined && !/^(func|deferwrap|gowrap)\d+$|^\d+$/.test(second)) {
    return { packagePath, receiver: first, name: second, part };
  }
  return { packagePath, receiver: null, name: first, part };
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
  return functionSpans(source)
    .filter((f): f is FuncSpan & { name: string } => f.name !== null)
    .map(({ receiver, name, startLine, endLine }) => ({ receiver, name, startLine, endLine }));
}

/** Returns the declared functions and the func literals of Go source with their 1-based line spans (declarations first). */
export function functionSpans(source: string): FuncSpan[] {
  // tree-sitter's default buffer is 32 KiB; large files need a callback or a bigger buffer.
  const tree = goParser().parse(source, undefined, { bufferSize: Math.max(32 * 1024, source.length * 2 + 1) });
  const out: FuncSpan[] = [];
  const declared: Array<{ start: number; end: number }> = [];
  for (const node of tree.rootNode.namedChildren) {
    if (node.type !== 'function_declaration' && node.type !== 'method_declaration') continue;
    const name = node.childForFieldName('name')?.text ?? '';
    const recvText = node.childForFieldName('receiver')?.text ?? null;
    const receiver = recvText ? (/([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\)\s*$/.exec(recvText)?.[1] ?? null) : null;
    out.push({ receiver, name, startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1, packageLevel: false });
    declared.push({ start: node.startIndex, end: node.endIndex });
  }
  // One native search for the literals (walking every node from JS costs more than the parse).
  for (const lit of tree.rootNode.descendantsOfType('func_literal')) {
    const packageLevel = !declared.some((d) => d.start <= lit.startIndex && lit.endIndex <= d.end);
    out.push({ receiver: null, name: null, startLine: lit.startPosition.row + 1, endLine: lit.endPosition.row + 1, packageLevel });
  }
  return out;
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
      fileCache.set(file, text === null ? null : { lines: text.split('\n'), funcs: functionSpans(text) });
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
  // What became of each attribution line, by index: placed, or why not.
  const outcome: Array<MappedLine | UnmappedReason> = [];
  for (const pl of attribution.lines) {
    const loc = resolveFile(pl.function, pl.file);
    let reason: UnmappedReason | null = typeof loc === 'string' ? loc : null;
    let placed: MappedLine | null = null;
    if (typeof loc !== 'string') {
      const local = loadLocal(loc.file);
      const source = local ? lineAt(local.lines, pl.line) : undefined;
      if (!local) reason = 'no local file matches';
      else if (source === undefined) reason = 'line beyond end of file';
      else if (!sameFunction(parseFunctionName(pl.function), pl.startLine, pl.line, local.funcs)) reason = 'file changed since profile';
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
    if (placed) lines.push(placed);
    outcome.push(placed ?? reason ?? 'no local file matches');
  }

  // Each allocation counts once: mapped when any of its frames is placed (an inlined standard
  // library callee allocates on behalf of the user's line), else unmapped for the innermost
  // reason that is about this module (a changed file says more than "not in this module").
  const allocations: MappedAllocation[] = [];
  const unmapped = new Map<string, UnmappedFile>();
  const mapped: CostPair = { bytes: 0, objects: 0 };
  for (const chain of attribution.allocations) {
    const frames = chain.frames.map((id): MappedFrame => {
      const pl = attribution.lines[id]!;
      const o = outcome[id]!;
      return typeof o === 'string' ? { function: pl.function, file: pl.file, line: pl.line, placed: false } : { function: pl.function, file: o.file, line: o.line, placed: true };
    });
    if (frames.some((f) => f.placed)) {
      allocations.push({ frames, bytes: chain.bytes, objects: chain.objects });
      mapped.bytes += chain.bytes;
      mapped.objects += chain.objects;
      continue;
    }
    if (chain.bytes === 0 && chain.objects === 0) continue;
    const reasons = chain.frames.map((id) => ({ file: attribution.lines[id]!.file, reason: outcome[id] as UnmappedReason }));
    const why = reasons.find((r) => r.reason !== 'not in this module') ?? reasons[0]!;
    const key = `${why.file}\u0000${why.reason}`;
    const u = unmapped.get(key) ?? { file: why.file, reason: why.reason, bytes: 0, objects: 0 };
    u.bytes += chain.bytes;
    u.objects += chain.objects;
    unmapped.set(key, u);
  }
  const st = attribution.sampleType;
  lines.sort((a, b) => chosenValue(b.flat, st) - chosenValue(a.flat, st) || chosenValue(b.cum, st) - chosenValue(a.cum, st));
  const unmappedList = [...unmapped.values()].sort((a, b) => chosenValue(b, st) - chosenValue(a, st));
  return { sampleType: st, total: attribution.total, mapped, unmapped: unmappedList, lines, allocations };
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

/**
 * Returns true when the local file still holds the function the profile's build saw, around the
 * line. With the profile's start line (Go records it since 1.20): a declaration of that name, or a
 * func literal for a closure, begins exactly there and spans the line, whatever kind of function
 * it is — a package-level variable's literal (`pkg.init.func1`, inside no declared function), an
 * `init`, a generic function or a method of a generic type. Without a start line, and for go/defer
 * wrappers (generated code, no source of their own), the line must lie in a declaration of that
 * name; a closure of `init` may also be a package-level literal, since both are named `init.funcN`.
 */
function sameFunction(fn: ProfileFunctionName, startLine: number, line: number, funcs: FuncSpan[]): boolean {
  const spans = (f: FuncSpan): boolean => line >= f.startLine && line <= f.endLine;
  const named = (f: FuncSpan): boolean => f.name !== null && f.name === fn.name && (fn.receiver === null ? f.receiver === null : f.receiver === fn.receiver);
  if (startLine > 0 && fn.part === 'closure') return funcs.some((f) => f.name === null && f.startLine === startLine && spans(f));
  if (startLine > 0 && fn.part === 'declared' && fn.name !== null) return funcs.some((f) => f.startLine === startLine && named(f) && spans(f));
  if (fn.name === null) return fn.part !== 'closure' || funcs.some((f) => f.name === null && f.packageLevel && spans(f));
  if (fn.part === 'closure' && fn.name === 'init' && fn.receiver === null && funcs.some((f) => f.name === null && f.packageLevel && spans(f))) return true;
  return funcs.some((f) => named(f) && spans(f));
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
