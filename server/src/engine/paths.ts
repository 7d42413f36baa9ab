// Path questions several stages ask: one answer each.
import * as path from 'node:path';

/**
 * Whether `file` is `dir` or lies inside it. Both absolute and normalised (as path.resolve and
 * fileURLToPath give them). A string test, not path.relative: the language server asks it for every
 * shown finding on each hover and publish.
 */
export function isInside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}
