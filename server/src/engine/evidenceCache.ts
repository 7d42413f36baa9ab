// The on-disk cache of the evidence stage: the allocator calls of one export file, as JSON, in
// `$HEAPSCOPE_CACHE_DIR/evidence` (default `$XDG_CACHE_HOME/heapscope/evidence`, then
// `~/.cache/heapscope/evidence`).
//
// An export file's path in the build cache is named by the hash of its content, so the path is
// the key; the key also holds what else decides an entry's content (the reader's version, the
// allocators it keeps). Entries are written to a temporary name and renamed, so a reader never
// sees half an entry, and an entry that does not parse or has the wrong shape is a miss. The
// directory is bounded like Go's own build cache: at most once an hour, recorded by the mtime
// of `trim.txt`, the least recently used entries go until the rest fit in the budget.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from './cacheDir';
import type { ObjectCall } from './goObject';

/** Bytes the entries may take before the least recently used go. */
export const DISK_BUDGET_BYTES = 256 * 2 ** 20;
/** How often a process looks at the directory's size. */
const TRIM_INTERVAL_MS = 60 * 60 * 1000;

/** The cache directory for an environment (the run's, which may set HEAPSCOPE_CACHE_DIR). */
export function evidenceCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), 'evidence');
}

/** The entry file of a key. */
function entryFile(dir: string, key: string): string {
  return path.join(dir, createHash('sha256').update(key).digest('hex').slice(0, 32) + '.json');
}

function isObjectCall(c: unknown): c is ObjectCall {
  const o = c as Partial<ObjectCall> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.target === 'string' &&
    typeof o.symbol === 'string' &&
    Array.isArray(o.frames) &&
    o.frames.every((f) => typeof f?.file === 'string' && typeof f.line === 'number' && typeof f.func === 'string')
  );
}

/** The cached calls of a key, or null: missing, unreadable, or not what this version writes. */
export async function readCachedCalls(dir: string, key: string): Promise<ObjectCall[] | null> {
  const file = entryFile(dir, key);
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  let parsed: { key?: unknown; calls?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return null;
  }
  if (parsed.key !== key || !Array.isArray(parsed.calls) || !parsed.calls.every(isObjectCall)) return null;
  // The mtime is the entry's last use, which trimming goes by; a failed touch only ages it.
  const now = new Date();
  void fs.utimes(file, now, now).catch(() => undefined);
  return parsed.calls;
}

const lastTrim = new Map<string, number>();

/** Stores the calls of a key; a cache that cannot be written costs the next run the read, nothing else. */
export async function writeCachedCalls(dir: string, key: string, calls: readonly ObjectCall[], budget = DISK_BUDGET_BYTES): Promise<void> {
  const file = entryFile(dir, key);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(tmp, JSON.stringify({ key, calls }));
    await fs.rename(tmp, file);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return;
  }
  const now = Date.now();
  if (now - (lastTrim.get(dir) ?? 0) < TRIM_INTERVAL_MS) return;
  lastTrim.set(dir, now);
  await trimCache(dir, budget, TRIM_INTERVAL_MS).catch(() => undefined);
}

/**
 * Removes the least recently used entries until the rest fit in `budget` bytes, unless another
 * process trimmed the directory less than `interval` ms ago. Returns how many entries went.
 */
export async function trimCache(dir: string, budget: number, interval: number): Promise<number> {
  const marker = path.join(dir, 'trim.txt');
  const last = await fs.stat(marker).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (Date.now() - last < interval) return 0;
  await fs.writeFile(marker, `${new Date().toISOString()}\n`);
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json') || n.endsWith('.tmp'));
  const entries = (
    await Promise.all(
      names.map((n) =>
        fs.stat(path.join(dir, n)).then(
          (s) => ({ file: path.join(dir, n), size: s.size, used: s.mtimeMs, stale: n.endsWith('.tmp') && Date.now() - s.mtimeMs > interval }),
          () => null,
        ),
      ),
    )
  ).filter((e) => e !== null);
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  let removed = 0;
  // Newest last: the oldest go first; a temporary file left by a process that died goes in any case.
  for (const e of entries.sort((a, b) => a.used - b.used)) {
    if (total <= budget && !e.stale) continue;
    await fs.rm(e.file, { force: true }).catch(() => undefined);
    total -= e.size;
    removed++;
  }
  return removed;
}
