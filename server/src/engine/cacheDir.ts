// Where Heapscope keeps what it computed once and can read back (findings per package, the
// compiled code's allocator calls per export file): one directory per user, each cache in its own
// subdirectory.
import * as os from 'node:os';
import * as path from 'node:path';

/** Returns the cache directory: $HEAPSCOPE_CACHE_DIR, else the user's cache directory's `heapscope`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEAPSCOPE_CACHE_DIR) return path.resolve(env.HEAPSCOPE_CACHE_DIR);
  // As Go's os.UserCacheDir: XDG_CACHE_HOME or ~/.cache on Unix, ~/Library/Caches on macOS, %LocalAppData% on Windows.
  if (process.platform === 'win32' && env.LocalAppData) return path.join(env.LocalAppData, 'heapscope');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'heapscope');
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'heapscope');
  return path.join(os.homedir(), '.cache', 'heapscope');
}
