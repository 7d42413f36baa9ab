// The evidence stage: which lines of the analysed packages call into the runtime's allocators in
// the code the compiler produced, read from each package's export archive (goObject.ts) — the third
// check Go developers make besides escape analysis and a profile (`go tool compile -S | grep CALL`).
//
// Calls in code inlined from another function are credited to the call the user wrote (the
// outermost frame of the inline tree), which is also where the compiler prints the escape
// decisions of inlined code. Results are cached by export file (evidenceCache.ts): its path in the
// build cache is named by the hash of its content, so a path never changes meaning.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CompilerRun } from './goRunner';
import { evidenceCacheDir, readCachedCalls, writeCachedCalls } from './evidenceCache';
import { builtinNamesFromSource, objectFilesOfArchive, readObjectCalls, type ObjectCall } from './goObject';
import { runGo } from './processes';
import { mark } from './timing';

/** What an allocator call does, in the categories findings are made of. */
export type AllocCategory = 'object' | 'slice' | 'growslice' | 'concat' | 'convert' | 'bytes' | 'map';

/** One runtime function the compiler calls to allocate. */
export interface AllocatorInfo {
  category: AllocCategory;
  /** True when every call allocates; false when run-time values decide (see `dependsOn`). */
  always: boolean;
  /** For a call that may not allocate: on what it depends, in words. */
  dependsOn: string | null;
  /**
   * The same for a value that escapes, when that narrows it: the compiler passes a stack buffer
   * only for a result that does not escape, so a heap decision's conversion or concatenation
   * depends on less (`string(b)` that escapes is not allocated only for 0 or 1 bytes).
   */
  escaping?: string;
  /** Set when every call allocates for a value that escapes (a map that escapes is never the stack map the compiler can pass). */
  escapingAlways?: boolean;
  /** Set when a call no heap decision accounts for (a value that does not escape) never allocates. */
  onlyEscaping?: boolean;
}

const ALLOCATOR_RULES: ReadonlyArray<{ match: RegExp } & AllocatorInfo> = [
  { match: /^runtime\.newobject$/, category: 'object', always: true, dependsOn: null },
  // Go 1.27 calls size-specialised mallocgc routines (mallocgcSmallNoScanSC2, …) for small objects.
  { match: /^runtime\.mallocgc\w*$/, category: 'object', always: true, dependsOn: null },
  { match: /^runtime\.makechan(64)?$/, category: 'object', always: true, dependsOn: null },
  { match: /^runtime\.newproc$/, category: 'object', always: false, dependsOn: 'a new goroutine reuses a free one when the scheduler has one' },
  { match: /^runtime\.makeslice(64|copy)?$/, category: 'slice', always: true, dependsOn: null },
  { match: /^runtime\.growslice(NoAlias)?$/, category: 'growslice', always: false, dependsOn: 'only when the capacity is too small for the new elements' },
  // Go 1.26: an append into a stack buffer grows within it while the elements fit (runtime/slice.go
  // growsliceBuf); `moveSlice` moves it to the heap where it leaves the function (cobra v1.10.2
  // doc/yaml_docs.go:132, urfave/cli v2.27.7 command.go:364 had no growth call).
  { match: /^runtime\.growsliceBuf(NoAlias)?$/, category: 'growslice', always: false, dependsOn: 'only when the elements no longer fit the stack buffer the slice starts in' },
  { match: /^runtime\.moveSlice\w*$/, category: 'growslice', always: false, dependsOn: 'only when the slice still uses the stack buffer `append` started it in' },
  // `[]byte(a + b)` (Go 1.22+): a new array unless the result is empty (runtime/string.go
  // concatbytes returns `[]byte{}`); it has no operand to return as it is (echo v4.16.5
  // context.go:517 said "or is one of its operands").
  {
    match: /^runtime\.concatbyte(s|\d)$/,
    category: 'concat',
    always: false,
    dependsOn: 'not when the result is empty, or fits a 32-byte stack buffer and does not escape',
    escaping: 'not when the result is empty',
  },
  {
    match: /^runtime\.concatstring(s|\d)$/,
    category: 'concat',
    always: false,
    dependsOn: 'not when the result is empty, or fits a 32-byte stack buffer and does not escape',
    escaping: 'not when the result is empty or is one of its operands, the others empty',
  },
  {
    match: /^runtime\.convT(16|32|64)$/,
    category: 'convert',
    always: false,
    dependsOn: 'not for an integer from 0 to 255 or a value with the same bits, such as a zero float or a struct holding such an integer: the runtime’s static table has them',
  },
  { match: /^runtime\.convTstring$/, category: 'convert', always: false, dependsOn: 'not for the empty string' },
  { match: /^runtime\.convTslice$/, category: 'convert', always: false, dependsOn: 'not for a nil slice' },
  { match: /^runtime\.convT(noptr)?$/, category: 'convert', always: true, dependsOn: null },
  {
    match: /^runtime\.slicebytetostring$/,
    category: 'bytes',
    always: false,
    dependsOn: 'not for results of 0 or 1 bytes, or up to 32 bytes that do not escape (a stack buffer)',
    escaping: 'not for results of 0 or 1 bytes',
  },
  // `string(runes)`: 3 bytes more than the encoding, from a 32-byte stack buffer when it fits and
  // does not escape, else new memory, even for no runes (runtime/string.go slicerunetostring;
  // tablewriter v1.1.5 tw/fn.go:36 said "not for results of 0 or 1 bytes": AllocsPerRun 1 for
  // an escaping `string([]rune{})`).
  {
    match: /^runtime\.slicerunetostring$/,
    category: 'bytes',
    always: false,
    dependsOn: 'not when its UTF-8 encoding, 3 bytes more, fits a 32-byte stack buffer and it does not escape',
    escapingAlways: true,
  },
  // `string(r)` of a rune: a 4-byte stack buffer when the string does not escape (it always fits),
  // else 4 new bytes whatever the rune (runtime/string.go intstring; testing.AllocsPerRun on
  // go1.26.8: 1 allocation for 'a', 'é' and '世' escaping, 0 for each not escaping).
  {
    match: /^runtime\.intstring$/,
    category: 'bytes',
    always: false,
    dependsOn: 'only when the string escapes: otherwise a 4-byte stack buffer holds it',
    escapingAlways: true,
    onlyEscaping: true,
  },
  {
    match: /^runtime\.stringtoslicebyte$/,
    category: 'bytes',
    always: false,
    dependsOn: 'not for up to 32 bytes that do not escape (a stack buffer)',
    escaping: 'not for an empty string',
  },
  // `[]rune(s)`: a stack buffer of 32 runes, not bytes (tablewriter v1.1.5 sort.go:7; AllocsPerRun
  // 0 for a 40-byte, 10-rune string that does not escape).
  {
    match: /^runtime\.stringtoslicerune$/,
    category: 'bytes',
    always: false,
    dependsOn: 'not for up to 32 runes that do not escape (a stack buffer)',
    escaping: 'not for an empty string',
  },
  {
    match: /^runtime\.(makemap|makemap64)$/,
    category: 'map',
    always: false,
    dependsOn: 'a map that does not escape is on the stack until it grows past 8 entries',
    escapingAlways: true,
  },
  { match: /^runtime\.makemap_small$/, category: 'map', always: true, dependsOn: null },
  { match: /^runtime\.mapassign\w*$/, category: 'map', always: false, dependsOn: 'only when the map is full and grows' },
];

const allocatorCache = new Map<string, AllocatorInfo | null>();

/** The allocator a runtime function is, or null when it allocates nothing itself. */
export function allocatorInfo(fn: string): AllocatorInfo | null {
  let info = allocatorCache.get(fn);
  if (info === undefined) {
    const rule = ALLOCATOR_RULES.find((r) => r.match.test(fn));
    if (rule) {
      const { match: _match, ...fields } = rule;
      info = fields;
    } else info = null;
    allocatorCache.set(fn, info);
  }
  return info;
}

/** One call into an allocator, credited to a line the user wrote. */
export interface AllocCall {
  /** The runtime function, e.g. `runtime.newobject`. */
  fn: string;
  /** The line the call is credited to: absolute file, 1-based line. */
  file: string;
  line: number;
  /** The compiled function, e.g. `example.com/p.(*T).M`. */
  symbol: string;
  /** Where the code came from when it was inlined: the innermost frame; null when it was not. */
  inlinedFrom: { func: string; file: string; line: number } | null;
  /** The functions inlined on the way to the call, innermost first (the frames but the outermost); [] when it was not inlined. */
  inlinedVia: string[];
  /**
   * Where each of those functions' code is, by the same index: the call's own line in the innermost,
   * then the line in each outer one that calls the one inside it. Absent where not recorded.
   */
  inlinedLines?: Array<{ file: string; line: number }>;
}

/** What the evidence stage produces for a run. */
export interface RunEvidence {
  /** Allocator calls by `file:line` of the line they are credited to. */
  byLine: ReadonlyMap<string, readonly AllocCall[]>;
  /** The files of the packages whose compiled code was read: a finding elsewhere has no evidence (null). */
  filesRead: ReadonlySet<string>;
  /** Packages whose code could not be read (no export file, unreadable), with why. */
  problems: Array<{ importPath: string; message: string }>;
}

/** The key of a line in RunEvidence.byLine. */
export function lineKey(file: string, line: number): string {
  return `${file}:${line}`;
}

/** What reading the evidence needs besides the run: the go command it ran and its environment. */
export interface EvidenceOptions {
  goBinary?: string;
  env?: NodeJS.ProcessEnv;
  /** The on-disk cache directory; default evidenceCacheDir(env) (evidenceCache.ts); null: none. */
  cacheDir?: string | null;
  signal?: AbortSignal;
}

interface Toolchain {
  goroot: string;
  goarch: string;
  builtins: string[];
}

const toolchains = new Map<string, Promise<Toolchain>>();

/** GOROOT, GOARCH and the builtin symbol list of the toolchain that ran, asked once per version. */
function toolchainOf(run: Pick<CompilerRun, 'goBinary' | 'goVersion' | 'workingDir'>, opts: EvidenceOptions): Promise<Toolchain> {
  const key = `${run.goBinary}\0${run.goVersion}\0${opts.env?.GOARCH ?? ''}`;
  let t = toolchains.get(key);
  if (t === undefined) {
    t = (async () => {
      const res = await runGo(run.goBinary, ['env', 'GOROOT', 'GOARCH'], run.workingDir, opts.env ?? process.env, opts.signal ?? new AbortController().signal);
      if (res.code !== 0) throw new Error(`go env GOROOT GOARCH failed: ${res.stderr.trim()}`);
      const [goroot = '', goarch = ''] = res.stdout.trim().split('\n');
      const source = await fs.readFile(path.join(goroot, 'src', 'cmd', 'internal', 'goobj', 'builtinlist.go'), 'utf8');
      return { goroot, goarch, builtins: builtinNamesFromSource(source) };
    })();
    t.catch(() => toolchains.delete(key));
    toolchains.set(key, t);
  }
  return t;
}

/** Bytes per PC step of the pc-value tables (cmd/internal/sys's MinLC). */
function pcQuantum(goarch: string): number {
  return goarch === 'amd64' || goarch === '386' || goarch === 's390x' || goarch === 'wasm' ? 1 : 4;
}

/**
 * Bump when what readObjectCalls records changes: the cache key holds it, so entries written by
 * another reader are misses. The allocator rules are in the key themselves (the entries keep only
 * the calls they match).
 */
const CACHE_VERSION = 2;
const CACHE_KEY_PREFIX = `${CACHE_VERSION}\0${ALLOCATOR_RULES.map((r) => r.match.source).join('|')}\0`;
const MEMORY_ENTRIES = 256;
const memory = new Map<string, ObjectCall[]>();

/** The allocator calls of one export file: memory, then disk, then the file itself. */
async function callsOfExport(exportFile: string, tc: Toolchain, cacheDir: string | null): Promise<ObjectCall[]> {
  const hit = memory.get(exportFile);
  if (hit !== undefined) {
    // Least recently used goes first: re-insert on a hit.
    memory.delete(exportFile);
    memory.set(exportFile, hit);
    return hit;
  }
  const key = CACHE_KEY_PREFIX + exportFile;
  let calls = cacheDir === null ? null : await readCachedCalls(cacheDir, key);
  if (calls === null) {
    const archive = await fs.readFile(exportFile);
    calls = objectFilesOfArchive(archive).flatMap((obj) => readObjectCalls(obj, { builtins: tc.builtins, wanted: (t) => allocatorInfo(t) !== null, pcQuantum: pcQuantum(tc.goarch) }));
    if (cacheDir !== null) await writeCachedCalls(cacheDir, key, calls);
  }
  memory.set(exportFile, calls);
  if (memory.size > MEMORY_ENTRIES) memory.delete(memory.keys().next().value as string);
  return calls;
}

/** A recorded file name as a path on this machine (`$GOROOT/src/…` in standard-library objects). */
function localPath(file: string, goroot: string): string {
  return file.startsWith('$GOROOT/') ? path.join(goroot, file.slice('$GOROOT/'.length)) : file;
}

/** Turns one export file's calls into AllocCalls credited to the user's lines. */
export function creditCalls(calls: readonly ObjectCall[], goroot: string): AllocCall[] {
  const out: AllocCall[] = [];
  for (const c of calls) {
    // The body of a `for range` over a function is compiled as a closure (`F-range1`) inlined at
    // the `for`, through the iterator's own code: its code is the user's, at its own lines
    // (gjson v1.20.4 gjson.go:3644's `append`, in `slices.Backward`'s yield, was credited to the
    // `for` at line 3638).
    let body = -1;
    c.frames.forEach((f, i) => {
      if (/-range\d+$/.test(f.func)) body = i;
    });
    const frames = body >= 0 ? c.frames.slice(0, body + 1) : c.frames;
    const outer = frames[frames.length - 1];
    const inner = frames[0];
    if (outer === undefined || inner === undefined || outer.line <= 0 || outer.file === '<autogenerated>') continue;
    out.push({
      fn: c.target,
      file: localPath(outer.file, goroot),
      line: outer.line,
      symbol: c.symbol,
      inlinedFrom: frames.length > 1 ? { func: inner.func, file: localPath(inner.file, goroot), line: inner.line } : null,
      inlinedVia: frames.slice(0, -1).map((f) => f.func),
      inlinedLines: frames.slice(0, -1).map((f) => ({ file: localPath(f.file, goroot), line: f.line })),
    });
  }
  return out;
}

/**
 * The allocator calls of one export file credited to the user's lines (read once and cached, like
 * the evidence stage's), each with the offset of its relocation in its function's code: the "Show
 * Compiled Code" view finds the call's instruction by it. Throws when the file cannot be read.
 */
export async function allocatorCallsOfExport(
  run: Pick<CompilerRun, 'goBinary' | 'goVersion' | 'workingDir'>,
  exportFile: string,
  opts: EvidenceOptions = {},
): Promise<Array<AllocCall & { offset: number }>> {
  const tc = await toolchainOf(run, opts);
  const calls = await callsOfExport(exportFile, tc, opts.cacheDir === undefined ? evidenceCacheDir(opts.env) : opts.cacheDir);
  return calls.flatMap((c) => creditCalls([c], tc.goroot).map((a) => ({ ...a, offset: c.offset })));
}

/**
 * Reads the allocator calls of every package of the run that compiled (its `Export` file).
 * Never throws for one package: what cannot be read is listed in `problems`.
 */
export async function readEvidence(run: CompilerRun, opts: EvidenceOptions = {}): Promise<RunEvidence> {
  const byLine = new Map<string, AllocCall[]>();
  const filesRead = new Set<string>();
  const problems: RunEvidence['problems'] = [];
  const withExport = run.packages.filter((p) => p.error === null && p.exportFile);
  if (withExport.length === 0) return { byLine, filesRead, problems };
  let tc: Toolchain;
  try {
    tc = await toolchainOf(run, opts);
  } catch (err) {
    for (const p of withExport) problems.push({ importPath: p.importPath, message: `compiled code not read: ${(err as Error).message}` });
    return { byLine, filesRead, problems };
  }
  const cacheDir = opts.cacheDir === undefined ? evidenceCacheDir(opts.env) : opts.cacheDir;
  await Promise.all(
    withExport.map(async (p) => {
      try {
        const calls = await callsOfExport(p.exportFile as string, tc, cacheDir);
        for (const c of creditCalls(calls, tc.goroot)) {
          const k = lineKey(c.file, c.line);
          const list = byLine.get(k);
          if (list) list.push(c);
          else byLine.set(k, [c]);
        }
        for (const f of p.files) filesRead.add(f);
      } catch (err) {
        problems.push({ importPath: p.importPath, message: `compiled code not read: ${(err as Error).message}` });
      }
    }),
  );
  mark('compiled code read');
  return { byLine, filesRead, problems };
}
