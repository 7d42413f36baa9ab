// The results cache of `heapscope check`: a package's findings on disk, so a warm run (go replays
// its compile from the build cache) pays go's replay plus a read instead of parsing and mapping
// again. A package's findings are a function of its section of the compiler's output, the texts
// of the files they are about, the module's go line, the settings that shape findings and
// Heapscope's version: the key holds them all. The section is the compiler's answer for exactly
// this compile (go replays it by the compile's content hash), so it also stands for the Go version
// and the export data — and, unlike the export file's name, which go prints only once every package
// is compiled, it is known as each package arrives, so a warm run still streams.
//
// A package has two entries under its key: its findings as the compiler's output gives them
// (`compiled`), and, with the compiled code read, the same findings joined with it (`joined`),
// which also names the export archives it was joined with. The join needs go's package list,
// which comes only when go exits: a warm run checks at once that the joined entry is there and
// whole (`has`, which reads no findings), holds nothing while go replays the others, and reads
// the entry at the end. Its archives are compared with go's list then: archives named by content
// that differ fall back to the compiled entry and a new join.
//
// Entries are written to a temporary file and renamed into place (concurrent runs see a whole
// entry or none), carry a SHA-256 of their body (a damaged entry is recomputed, never trusted),
// and, on their second line, the files they depend on with their hashes (an entry whose files
// changed is a miss, found without parsing its findings). The cache is bounded: past its size,
// the least recently used entries are removed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isBox, mappedAtOf, markBox, markMappedAt } from '../engine/repeats';
import type { CompilerPos, Finding } from '../engine/types';

/** The entry layout's version: a change of layout starts a new directory. */
const LAYOUT = 'results-v3';

/** The default bound of the cache's size. */
export const DEFAULT_CACHE_MAX_BYTES = 512 * 1024 * 1024;

/** What is stored per package. */
export interface CachedPackage {
  findings: Finding[];
  problems: Array<{ importPath: string; message: string }>;
  /** Of a joined entry: the export archives of its packages, in order, that its findings were joined with. */
  exports?: string[];
}

/** Which of a package's entries: its findings from the compiler's output, or those joined with the compiled code. */
export type EntryPart = 'compiled' | 'joined';

/** An entry's second line: what it depends on, and (joined) the archives it was joined with. */
interface EntryHead {
  deps: Array<[string, string]>;
  exports?: string[];
}

export { defaultCacheDir } from '../engine/cacheDir';

/** Returns the SHA-256 of a text (hex). */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What JSON does not carry of findings: where each generic dictionary wrapper was mapped
 * (dropRepeats reads it), by index. Findings go through JSON as the results cache and the
 * streaming pipeline's spill store them (encodeFindings, decodeFindings).
 */
function mappedOf(findings: readonly Finding[]): Array<[number, CompilerPos]> {
  return findings.flatMap((f, i): Array<[number, CompilerPos]> => {
    const pos = mappedAtOf(f);
    return pos === undefined ? [] : [[i, pos]];
  });
}

/** The findings marked as interface boxes (the compiled-code join's mark, which dropRepeats reads), by index. */
function boxesOf(findings: readonly Finding[]): number[] {
  return findings.flatMap((f, i) => (isBox(f) ? [i] : []));
}

/**
 * Findings read back from JSON with their marks: where each was mapped, and which are interface
 * boxes (without that mark a box and its value read back from a joined entry were one repeat,
 * and a warm run dropped one: urfave/cli v2.27.7 153 findings, tablewriter v1.1.5 381).
 */
function withMarks(findings: Finding[], mapped: ReadonlyArray<[number, CompilerPos]> | undefined, boxed: readonly number[] | undefined): Finding[] {
  for (const [i, pos] of mapped ?? []) {
    const f = findings[i];
    if (f !== undefined) markMappedAt(f, pos);
  }
  for (const i of boxed ?? []) {
    const f = findings[i];
    if (f !== undefined) markBox(f);
  }
  return findings;
}

/** Findings as JSON (their explanation steps made), with what JSON alone would lose. */
export function encodeFindings(findings: readonly Finding[]): string {
  return `{"findings":${findingsJSON(findings)},"mapped":${JSON.stringify(mappedOf(findings))},"boxes":${JSON.stringify(boxesOf(findings))}}`;
}

/** The JSON of findings' largest parts, by the object: a package's findings are written as its compiled entry, spilled, then written joined, and the join copies findings but shares these. */
const partJSON = new WeakMap<object, string>();

/** `JSON.stringify(findings)`, with each finding's decision and explanation steps stringified once per process. */
function findingsJSON(findings: readonly Finding[]): string {
  const shared = (v: object): string => {
    let text = partJSON.get(v);
    if (text === undefined) partJSON.set(v, (text = JSON.stringify(v)));
    return text;
  };
  const parts = findings.map((f) => {
    const { decision, related, ...rest } = f;
    const head = JSON.stringify(rest);
    const tail = [
      ...(related === undefined ? [] : [`"related":${typeof related === 'object' && related !== null ? shared(related) : JSON.stringify(related)}`]),
      ...(decision === undefined ? [] : [`"decision":${typeof decision === 'object' && decision !== null ? shared(decision) : JSON.stringify(decision)}`]),
    ].join(',');
    return tail === '' ? head : head === '{}' ? `{${tail}}` : `${head.slice(0, -1)},${tail}}`;
  });
  return `[${parts.join(',')}]`;
}

/** The findings of encodeFindings. */
export function decodeFindings(text: string): Finding[] {
  const v = JSON.parse(text) as { findings: Finding[]; mapped?: Array<[number, CompilerPos]>; boxes?: number[] };
  return withMarks(v.findings, v.mapped, v.boxes);
}

/** Findings of packages on disk, keyed by everything that determines them. */
export class ResultsCache {
  private readonly root: string;
  /** File hashes of this run: a file is read and hashed once however many keys name it. */
  private readonly fileHashes = new Map<string, string | null>();
  hits = 0;
  misses = 0;

  /**
   * @param dir the cache directory (defaultCacheDir())
   * @param salt what every key of this run shares: Heapscope's version and the settings that shape findings
   * @param maxBytes the bound of the entries' total size
   */
  constructor(
    dir: string,
    private readonly salt: string,
    private readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.root = path.join(dir, LAYOUT);
  }

  /** Returns the hash of a file's content, or null when it cannot be read; once per run. */
  fileHash(file: string): string | null {
    let h = this.fileHashes.get(file);
    if (h === undefined) {
      try {
        h = sha256(fs.readFileSync(file));
      } catch {
        h = null;
      }
      this.fileHashes.set(file, h);
    }
    return h;
  }

  /** Returns the key of a package: its section, its files (names and contents) and `extra` under this run's salt. */
  key(section: string, files: readonly string[], extra: string): string {
    const h = createHash('sha256');
    for (const part of [LAYOUT, this.salt, extra, section]) h.update(part).update('\0');
    for (const f of [...files].sort())
      h.update(f)
        .update('\0')
        .update(this.fileHash(f) ?? '-')
        .update('\0');
    return h.digest('hex');
  }

  private entryPath(key: string, part: EntryPart): string {
    return path.join(this.root, key.slice(0, 2), part === 'joined' ? `${key}.joined.json` : `${key}.json`);
  }

  /**
   * Reads and checks an entry: its checksum, its head's shape and the files it depends on. Returns
   * its head and body, or null (none; damaged, then removed; a file it depends on changed). A hit
   * marks the entry used.
   */
  private open(key: string, part: EntryPart): { head: EntryHead; body: string } | null {
    const file = this.entryPath(key, part);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    const first = text.indexOf('\n');
    const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
    const head = second < 0 || text.slice(0, first) !== sha256(text.slice(first + 1)) ? null : parseHead(text.slice(first + 1, second));
    if (head === null) {
      fs.rmSync(file, { force: true });
      return null;
    }
    if (head.deps.some(([f, h]) => this.fileHash(f) !== h)) return null;
    // Recently used entries are the last to go (trim removes the oldest first).
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // Removed by a concurrent trim: the text read is still whole.
    }
    return { head, body: text.slice(second + 1) };
  }

  /** Whether an entry is there, whole, with its files unchanged: its findings are not read. Returns the archives of a joined entry. */
  has(key: string, part: EntryPart): { exports: string[] } | null {
    // Read and checked again by `get`: keeping the text meanwhile saved 20 ms on a warm net/http
    // and cost x/tools v0.52.0 30 MB of peak memory for nothing measurable.
    const entry = this.open(key, part);
    return entry === null ? null : { exports: entry.head.exports ?? [] };
  }

  /** Returns the package stored under `key`, or null: none, damaged (then removed), or a file it depends on changed. */
  get(key: string, part: EntryPart = 'compiled'): CachedPackage | null {
    const entry = this.open(key, part);
    const value = entry === null ? null : parseBody(entry.body);
    if (entry === null || value === null) {
      if (entry !== null) fs.rmSync(this.entryPath(key, part), { force: true });
      this.misses++;
      return null;
    }
    this.hits++;
    const found: CachedPackage = { findings: withMarks(value.findings, value.mapped, value.boxes), problems: value.problems };
    return entry.head.exports === undefined ? found : { ...found, exports: entry.head.exports };
  }

  /**
   * Stores a package under `key`, with the files its findings are about (beyond those in the key)
   * and their hashes. Written to a temporary file and renamed into place; a failure to write
   * costs the entry, not the run.
   */
  put(key: string, value: CachedPackage, part: EntryPart = 'compiled'): void {
    const files = new Set<string>();
    for (const f of value.findings) {
      files.add(f.file);
      for (const r of f.related) files.add(r.file);
      for (const fix of f.fixes) for (const e of fix.edits) files.add(e.file);
    }
    const deps: Array<[string, string]> = [];
    for (const f of files) {
      const h = this.fileHash(f);
      // A finding about a file that cannot be read (generated, <autogenerated>) depends on no text.
      if (h !== null) deps.push([f, h]);
    }
    const head: EntryHead = value.exports === undefined ? { deps } : { deps, exports: value.exports };
    const body = `{"findings":${findingsJSON(value.findings)},"problems":${JSON.stringify(value.problems)},"mapped":${JSON.stringify(mappedOf(value.findings))},"boxes":${JSON.stringify(boxesOf(value.findings))}}`;
    const rest = `${JSON.stringify(head)}\n${body}`;
    const file = this.entryPath(key, part);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, `${sha256(rest)}\n${rest}`);
      fs.renameSync(tmp, file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Removes the least recently used entries (and stale temporary files) until the cache is within its bound. */
  trim(): void {
    const entries: Array<{ file: string; size: number; used: number }> = [];
    let total = 0;
    let dirs: string[];
    try {
      dirs = fs.readdirSync(this.root);
    } catch {
      return;
    }
    const hourAgo = Date.now() - 3_600_000;
    for (const d of dirs) {
      let names: string[];
      try {
        names = fs.readdirSync(path.join(this.root, d));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(this.root, d, name);
        try {
          const st = fs.statSync(file);
          // A temporary file an hour old belongs to a run that died before renaming it.
          if (name.endsWith('.tmp')) {
            if (st.mtimeMs < hourAgo) fs.rmSync(file, { force: true });
            continue;
          }
          entries.push({ file, size: st.size, used: st.mtimeMs });
          total += st.size;
        } catch {
          // Removed meanwhile by another run.
        }
      }
    }
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.used - b.used);
    // Down to 80 % of the bound, so the next runs do not trim again at once.
    for (const e of entries) {
      if (total <= this.maxBytes * 0.8) break;
      fs.rmSync(e.file, { force: true });
      total -= e.size;
    }
  }
}

/** An entry's head, or null when it is not one. */
function parseHead(line: string): EntryHead | null {
  try {
    const v = JSON.parse(line) as { deps?: unknown; exports?: unknown };
    const pairs = Array.isArray(v.deps) && v.deps.every((d) => Array.isArray(d) && d.length === 2 && typeof d[0] === 'string' && typeof d[1] === 'string');
    const exports = v.exports === undefined || (Array.isArray(v.exports) && v.exports.every((e) => typeof e === 'string'));
    return pairs && exports ? (v as EntryHead) : null;
  } catch {
    return null;
  }
}

/** An entry's findings, or null when its body does not have their shape. */
function parseBody(body: string): { findings: Finding[]; problems: CachedPackage['problems']; mapped?: Array<[number, CompilerPos]>; boxes?: number[] } | null {
  try {
    const v = JSON.parse(body) as { findings?: unknown; problems?: unknown; boxes?: unknown };
    if (!Array.isArray(v.findings) || !Array.isArray(v.problems)) return null;
    if (v.boxes !== undefined && !(Array.isArray(v.boxes) && v.boxes.every((i: unknown) => Number.isInteger(i)))) return null;
    return v as { findings: Finding[]; problems: CachedPackage['problems']; mapped?: Array<[number, CompilerPos]>; boxes?: number[] };
  } catch {
    return null;
  }
}
