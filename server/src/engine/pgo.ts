// Profile-guided optimisation as the user's build applies it. `go build` (-pgo=auto, the default
// since Go 1.21) compiles a main package and all its dependencies with the `default.pgo` in the main
// package's directory; -pgo=FILE uses FILE for every package; -pgo=off uses none. `go list -export`
// computes the same but skips the step that preprocesses the profile, so its compiles get no profile
// unless an earlier `go build` left the preprocessed file in the build cache. We hand the profile to
// the compiler ourselves (`-pgoprofile`, which reads raw pprof files from Go 1.21 on).

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDirectoryPattern, patternFromWorkingDir } from './goList';
import { isFile } from './module';

/** The profile a run compiles with: for every package, and for the named packages it applies to. */
export interface PgoPlan {
  /** The profile of every package compiled (`-gcflags=all=…`), when the run has exactly one. */
  all: string | null;
  /** Named packages and their profile; pattern null means every package named on the command line. */
  packages: Array<{ pattern: string | null; profile: string }>;
}

/** The plan of a run without PGO. */
export const NO_PGO: PgoPlan = { all: null, packages: [] };

/** Returns the -pgo value of GOFLAGS (the last one wins, as in the go command), or 'auto'. */
export function pgoSetting(goflags: string | undefined): string {
  let setting = 'auto';
  for (const flag of (goflags ?? '').split(/\s+/)) {
    const m = /^--?pgo=(.*)$/.exec(flag);
    if (m?.[1] !== undefined) setting = m[1];
  }
  return setting;
}

/** Whether the compiler flags already name a profile: then the user chose it and we add none. */
export function namesProfile(gcflags: readonly string[]): boolean {
  return gcflags.some((f) => /^--?pgoprofile(=|$)/.test(f));
}

/**
 * Returns the plan for a run: `setting` is GOFLAGS' -pgo, `mains` the directories of the in-scope
 * main packages that hold a default.pgo, each with its gcflags pattern (pure).
 */
export function pgoPlan(setting: string, mains: Array<{ pattern: string; profile: string }>, workingDir: string): PgoPlan {
  if (setting === 'off') return NO_PGO;
  if (setting !== 'auto' && setting !== '') {
    const profile = path.resolve(workingDir, setting);
    return { all: profile, packages: [{ pattern: null, profile }] };
  }
  if (mains.length === 0) return NO_PGO;
  // Dependencies shared by main packages with different profiles are compiled once per profile by
  // go build; one go list run cannot do that, so they get none.
  const profiles = new Set(mains.map((m) => m.profile));
  const [only] = profiles;
  return { all: profiles.size === 1 && only !== undefined ? only : null, packages: mains };
}

/** Returns the directories the patterns name below workingDir that hold a main package with a default.pgo. */
export async function findProfiledMains(patterns: readonly string[], workingDir: string, modulePath: string): Promise<Array<{ pattern: string; dir: string }>> {
  const found = new Map<string, string>();
  for (const pattern of patterns) {
    const dirPattern = asDirectoryPattern(pattern, modulePath);
    if (dirPattern === null) continue;
    const absolute = path.resolve(workingDir, dirPattern);
    const wild = absolute.indexOf('...');
    const dirs = wild < 0 ? [absolute] : await walk(path.dirname(absolute.slice(0, wild) + 'x'), matcher(absolute));
    for (const dir of dirs) {
      if (!found.has(dir) && (await isFile(path.join(dir, 'default.pgo'))) && (await packageName(dir)) === 'main') {
        found.set(dir, patternFromWorkingDir(dir, workingDir, workingDir));
      }
    }
  }
  return [...found].map(([dir, pattern]) => ({ pattern, dir }));
}

/**
 * Returns a stable copy of the profile named by its content. The go command keys its cache on the
 * flags' text, not on the files they name: a path that changes with the content keeps an edited
 * profile from replaying stale output, and one that stays the same keeps cached results.
 */
export async function profileCopy(file: string): Promise<string | null> {
  const content = await fs.readFile(file).catch(() => null);
  if (content === null) return null;
  const dir = path.join(os.tmpdir(), 'heapscope-pgo');
  const copy = path.join(dir, createHash('sha256').update(content).digest('hex').slice(0, 32) + '.pgo');
  if (await isFile(copy)) return copy;
  await fs.mkdir(dir, { recursive: true });
  const partial = `${copy}.${process.pid}.tmp`;
  await fs.writeFile(partial, content);
  await fs.rename(partial, copy);
  return copy;
}

/** Returns the pattern as a directory pattern ('./x', '/abs/...'), or null for packages outside the module. */
function asDirectoryPattern(pattern: string, modulePath: string): string | null {
  if (isDirectoryPattern(pattern)) return pattern;
  if (modulePath === '') return null;
  if (pattern === modulePath || pattern === modulePath + '/...') return '.' + pattern.slice(modulePath.length);
  if (pattern.startsWith(modulePath + '/')) return '.' + pattern.slice(modulePath.length);
  return null;
}

/** Returns a test of a directory against a pattern with `...` wildcards (which match any text). */
function matcher(absolute: string): (dir: string) => boolean {
  const parts = absolute.split('...').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let source = parts.join('.*');
  // As in the go command, `x/...` also matches x itself.
  if (source.endsWith('/.*')) source = source.slice(0, -3) + '(/.*)?';
  const re = new RegExp(`^${source}$`);
  return (dir) => re.test(dir);
}

/** Returns the directories under root that match, skipping what `...` skips: testdata, vendor, `.x`, `_x`, nested modules. */
async function walk(root: string, match: (dir: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, top: boolean): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    if (!top && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    if (match(dir)) out.push(dir);
    for (const e of entries) {
      if (!e.isDirectory() || /^[._]/.test(e.name) || e.name === 'testdata' || e.name === 'vendor') continue;
      await visit(path.join(dir, e.name), false);
    }
  };
  await visit(root, true);
  return out;
}

/** Returns the package name of the first non-test Go file in dir, or null. */
async function packageName(dir: string): Promise<string | null> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).sort();
  for (const name of names) {
    if (!name.endsWith('.go') || name.endsWith('_test.go') || /^[._]/.test(name)) continue;
    const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => '');
    const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
    const m = /^\s*package\s+([\p{L}_][\p{L}\p{N}_]*)/u.exec(code);
    if (m?.[1] !== undefined) return m[1];
  }
  return null;
}

/** Returns the plan of a run as the user's build would compile it, with profiles as stable copies. */
export async function planPgo(opts: { patterns: readonly string[]; workingDir: string; modulePath: string; goflags: string | undefined; gcflags: readonly string[] }): Promise<PgoPlan> {
  const setting = pgoSetting(opts.goflags);
  if (setting === 'off' || namesProfile(opts.gcflags)) return NO_PGO;
  const auto = setting === 'auto' || setting === '';
  const mains = auto ? await findProfiledMains(opts.patterns, opts.workingDir, opts.modulePath) : [];
  const withProfiles = mains.map((m) => ({ pattern: m.pattern, profile: path.join(m.dir, 'default.pgo') }));
  const plan = pgoPlan(setting, withProfiles, opts.workingDir);
  const copies = new Map<string, string | null>();
  for (const p of new Set([plan.all, ...plan.packages.map((e) => e.profile)])) {
    if (p !== null) copies.set(p, await profileCopy(p));
  }
  const packages = plan.packages.flatMap((e) => {
    const profile = copies.get(e.profile);
    return profile ? [{ pattern: e.pattern, profile }] : [];
  });
  return { all: plan.all === null ? null : (copies.get(plan.all) ?? null), packages };
}
