// `check --shard K/N`: one of N machines analyses its share of the packages the patterns match.
// The share is decided before anything is compiled, from `go list` without -export (no compile):
// the matched import paths, sorted, and every Nth from the Kth on. Sorting makes every machine
// pick the same split; taking every Nth keeps the shards' sizes within one package of each other.
// A package's test variant and external test package are compiled with it (go list -test on its
// import path), so they are on its shard.
import { mergeEnv, runGo } from '../engine/processes';

/** Which of the shards to analyse: `index` of `count`, 1-based as the user writes it. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `K/N` (1 ≤ K ≤ N); throws an Error that says what is wrong. */
export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) throw new Error(`--shard must be K/N, the shard K (from 1) of N shards, e.g. 2/4; not ${JSON.stringify(value)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new Error(`--shard ${value}: the number of shards must be at least 1`);
  if (index < 1 || index > count) throw new Error(`--shard ${value}: the shard must be between 1 and ${count}`);
  return { index, count };
}

/** A group of patterns run from one directory (its module or workspace), as runCheck compiles them. */
export interface PatternGroup {
  cwd: string;
  patterns: string[];
}

/** Returns the positions (0-based, in sorted order) that belong to `shard` among `n` sorted items. */
export function shardPositions(n: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < n; i += shard.count) out.push(i);
  return out;
}

/**
 * Returns the groups with their patterns replaced by the import paths of this shard's packages
 * (groups left with none are dropped) and how many packages the patterns match in all. Import
 * paths are sorted across groups, each with the directory it is listed from, so two modules of one
 * command split as one set.
 */
export async function shardGroups(
  groups: readonly PatternGroup[],
  shard: Shard,
  go: { goBinary?: string; tags?: string[]; env?: Record<string, string | undefined>; signal?: AbortSignal; timeoutMs: number },
): Promise<{ groups: PatternGroup[]; matched: number }> {
  const signal = go.signal ? AbortSignal.any([go.signal, AbortSignal.timeout(go.timeoutMs)]) : AbortSignal.timeout(go.timeoutMs);
  const listed: Array<{ importPath: string; group: number }> = [];
  for (const [g, group] of groups.entries()) {
    const args = ['list', '-e', '-f={{.ImportPath}}'];
    if (go.tags && go.tags.length > 0) args.push(`-tags=${go.tags.join(',')}`);
    args.push('--', ...group.patterns);
    const r = await runGo(go.goBinary ?? 'go', args, group.cwd, mergeEnv(go.env), signal);
    if (r.code !== 0) throw new Error(`go list ${group.patterns.join(' ')} (to choose the shard's packages) failed:\n${r.stderr.trim()}`);
    const seen = new Set<string>();
    for (const line of r.stdout.split('\n')) {
      const importPath = line.trim();
      if (importPath === '' || seen.has(importPath)) continue;
      seen.add(importPath);
      listed.push({ importPath, group: g });
    }
  }
  // Byte order, not locale order: every machine sorts alike.
  listed.sort((a, b) => (a.importPath < b.importPath ? -1 : a.importPath > b.importPath ? 1 : a.group - b.group));
  const mine = new Map<number, string[]>();
  for (const i of shardPositions(listed.length, shard)) {
    const { importPath, group } = listed[i]!;
    const paths = mine.get(group);
    if (paths) paths.push(importPath);
    else mine.set(group, [importPath]);
  }
  const out: PatternGroup[] = [];
  for (const [g, group] of groups.entries()) {
    const patterns = mine.get(g);
    if (patterns) out.push({ cwd: group.cwd, patterns });
  }
  return { groups: out, matched: listed.length };
}
