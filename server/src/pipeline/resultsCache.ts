// The results cache of `heapscope check`: a package's findings on disk, so a warm run (go replays
// its compile from the build cache) pays go's replay plus a read instead of parsing and mapping
// again. A package's findings are a function of its section of the compiler's output, the texts
// of the files they are about, the module's go line, the settings that shape findings and
// Heapscope's version: the key holds them all. The section is the compiler's answer for exactly
// this compile (go replays it by the compile's content hash), so it also stands for the Go version
// and the export data — and, unlike the export file's name, which go prints only once every package
// is compiled, it is known as each package arrives, so a warm run still streams.
//
// Entries are written to a temporary file and renamed into place (concurrent runs see a whole
// entry or none), carry a SHA-256 of their body (a damaged entry is recomputed, never trusted),
// and the files they depend on with their hashes (an entry whose files changed is a miss). The
// cache is bounded: past its size, the least recently used entries are removed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mappedAtOf, markMappedAt } from '../engine/repeats';
import type { CompilerPos, Finding } from '../engine/types';

/** The entry layout's version: a change of layout starts a new directory. */
const LAYOUT = 'results-v2';

/** The default bound of the cache's size. */
export const DEFAULT_CACHE_MAX_BYTES = 512 * 1024 * 1024;

/** What is stored per package. */
export interface CachedPackage {
  findings: Finding[];
  problems: Array<{ importPath: string; message: string }>;
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

/** Findings read back from JSON with their mapping marks. */
function withMappedAt(findings: Finding[], mapped: ReadonlyArray<[number, CompilerPos]> | undefined): Finding[] {
  for (const [i, pos] of mapped ?? []) {
    const f = findings[i];
    if (f !== undefined) markMappedAt(f, pos);
  }
  return findings;
}

/** Findings as JSON (their explanation steps made), with what JSON alone would lose. */
export function encodeFindings(findings: readonly Finding[]): string {
  return JSON.stringify({ findings, mapped: mappedOf(findings) });
}

/** The findings of encodeFindings. */
export function decodeFindings(text: string): Finding[] {
  const v = JSON.parse(text) as { findings: Finding[]; mapped?: Array<[number, CompilerPos]> };
  return withMappedAt(v.findings, v.mapped);
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

  private entryPath(key: string): string {
    return path.join(this.root, key.slice(0, 2), `${key}.json`);
  }

  /** Returns the package stored under `key`, or null: none, damaged (then removed), or a file it depends on changed. */
  get(key: string): CachedPackage | null {
    const file = this.entryPath(key);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      this.misses++;
      return null;
    }
    const value = this.verify(text);
    if (value === null) {
      this.misses++;
      fs.rmSync(file, { force: true });
      return null;
    }
    if (value.deps.some(([f, h]) => this.fileHash(f) !== h)) {
      this.misses++;
      return null;
    }
    // Recently used entries are the last to go (trim removes the oldest first).
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // Removed by a concurrent trim: the value read is still whole.
    }
    this.hits++;
    return { findings: withMappedAt(value.findings, value.mapped), problems: value.problems };
  }

  /** The entry's value when its checksum and shape hold; null otherwise. */
  private verify(text: string): { deps: Array<[string, string]>; findings: Finding[]; problems: CachedPackage['problems']; mapped?: Array<[number, CompilerPos]> } | null {
    const nl = text.indexOf('\n');
    if (nl < 0) return null;
    const body = text.slice(nl + 1);
    if (text.slice(0, nl) !== sha256(body)) return null;
    try {
      const v = JSON.parse(body) as { deps?: unknown; findings?: unknown; problems?: unknown };
      if (!Array.isArray(v.deps) || !Array.isArray(v.findings) || !Array.isArray(v.problems)) return null;
      return v as { deps: Array<[string, string]>; findings: Finding[]; problems: CachedPackage['problems']; mapped?: Array<[number, CompilerPos]> };
    } catch {
      return null;
    }
  }

  /**
   * Stores a package under `key`, with the files its findings are about (beyond those in the key)
   * and their hashes. Written to a temporary file and renamed into place; a failure to write
   * costs the entry, not the run.
   */
  put(key: string, value: CachedPackage): void {
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
    const body = JSON.stringify({ deps, findings: value.findings, problems: value.problems, mapped: mappedOf(value.findings) });
    const file = this.entryPath(key);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, `${sha256(body)}\n${body}`);
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
