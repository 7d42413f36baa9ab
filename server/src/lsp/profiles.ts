// Allocation profiles in the editor: which files the settings name, the module files profiles are
// mapped onto, and what the editor shows from a mapped profile (status, hot-line hints, top sites).
// Plain functions over plain data; profileState.ts owns the loaded profile; profileHints.ts places the hints.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chosenValue, type CallPath } from '../profile/attribute';
import { formatBytes, formatCount, formatShare } from '../profile/format';
import { formatAllocCost, siteCosts } from '../profile/join';
import type { MappedLine, MappedProfile } from '../profile/mapping';
import type { AllocCost, InlinedCost, ProfileSourceLine } from '../engine/types';
import type { AllocationSite, ProfileSampleType, ProfileStatus } from '../protocol';

/** Converts a `*`/`?` pattern of one path segment to a RegExp. */
function segmentPattern(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}

/** Whether a path has a wildcard in its last segment. */
export function hasWildcard(p: string): boolean {
  return /[*?]/.test(path.basename(p));
}

/**
 * Returns the absolute profile files the patterns name: relative ones against `folder`, `*` and
 * `?` expanded in the last segment (sorted; regular files only). Literal paths are kept even when
 * missing, so loading reports them.
 */
export function resolveProfilePaths(patterns: readonly string[], folder: string | null): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const abs = path.isAbsolute(p) ? p : path.resolve(folder ?? process.cwd(), p);
    if (!hasWildcard(abs)) {
      out.push(abs);
      continue;
    }
    const dir = path.dirname(abs);
    const re = segmentPattern(path.basename(abs));
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => re.test(n))
        .sort();
    } catch {
      names = [];
    }
    for (const n of names) {
      const f = path.join(dir, n);
      try {
        if (statSync(f).isFile()) out.push(f);
      } catch {
        // Gone between readdir and stat: skip it.
      }
    }
  }
  return [...new Set(out)];
}

const SKIPPED_DIRS = new Set(['vendor', 'testdata', 'node_modules']);

/** Returns the .go files of a module: its directory tree without vendor, testdata, hidden and `_` directories or nested modules. */
export function moduleGoFiles(root: string, limit = 20000): string[] {
  const out: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // A nested go.mod starts another module, which this one's import paths do not cover.
    if (!top && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    for (const e of entries) {
      if (out.length >= limit) return;
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name.startsWith('_') || SKIPPED_DIRS.has(e.name)) continue;
        walk(path.join(dir, e.name), false);
      } else if (e.isFile() && e.name.endsWith('.go')) out.push(path.join(dir, e.name));
    }
  };
  walk(root, true);
  return out;
}

/** Returns what the status bar shows about a loaded profile. */
export function profileStatus(files: readonly string[], profile: MappedProfile): ProfileStatus {
  const total = chosenValue(profile.total, profile.sampleType);
  const mappedShare = total > 0 ? chosenValue(profile.mapped, profile.sampleType) / total : 0;
  const names = files.map((f) => path.basename(f)).join(', ');
  return {
    files: [...files],
    sampleType: profile.sampleType,
    total: profile.total,
    mappedShare,
    text: `${names}: ${formatBytes(profile.total.bytes)} · ${formatCount(profile.total.objects)} objects (${profile.sampleType}), ${formatShare(mappedShare)} in this module`,
  };
}

/** Returns the profile's allocating lines by share, each sampled byte on one line (an inlined callee's on the line that allocates), heaviest first. */
export function topSites(profile: MappedProfile, limit = 50): AllocationSite[] {
  return siteCosts(profile)
    .slice(0, limit)
    .map(({ line: l, cost }) => ({
      uri: pathToFileURL(l.file).toString(),
      line: l.line - 1,
      function: l.function,
      bytes: cost.bytes,
      objects: cost.objects,
      share: cost.share,
      label: formatAllocCost(cost, profile.sampleType),
    }));
}

/** Returns the mapped lines by `file:line`, for hovers (call paths) and hints. */
export function linesByPosition(profile: MappedProfile): Map<string, MappedLine> {
  const out = new Map<string, MappedLine>();
  for (const l of profile.lines) out.set(`${l.file}:${l.line}`, l);
  return out;
}

/** Returns one call path as `f ← g ← h` with short function names, innermost first, at most `depth` frames. */
export function callPathText(p: CallPath, depth = 4): string {
  const short = (fn: string): string => fn.slice(fn.lastIndexOf('/') + 1);
  const frames = p.frames.slice(0, depth).map((f) => `${short(f.function)} (${path.basename(f.file)}:${f.line})`);
  return frames.join(' ← ') + (p.frames.length > depth ? ' ← …' : '');
}

/** Returns `function (file.go:12)` with the package path cut, as call paths show frames. */
function placeText(p: ProfileSourceLine): string {
  return `${p.function.slice(p.function.lastIndexOf('/') + 1)} (${path.basename(p.file)}:${p.line})`;
}

function inlinedRow(p: InlinedCost): string {
  // Without the share, the sample type is not printed.
  return `- ${formatAllocCost({ ...p, share: 0 }, 'alloc_space', false)} allocated in \`${placeText(p.allocatedAt)}\`, inlined by the call at \`${placeText(p.calledAt)}\``;
}

/**
 * Returns the hover's cost section: the cost line, where inlined calls allocate it, and the
 * heaviest call paths reaching the line. A finding whose line's cost another finding carries
 * says which one.
 */
export function costMarkdown(alloc: AllocCost, sampleType: ProfileSampleType, paths: readonly CallPath[], maxPaths = 3): string {
  if (alloc.countedOn) {
    return `**Cost**: counted on the \`${alloc.countedOn.kind}\` finding at ${alloc.countedOn.line}:${alloc.countedOn.column}, with this line's other allocations (a profile does not tell one line's allocations apart)`;
  }
  const all = alloc.lineFindings ? ` — all ${alloc.lineFindings} allocations on this line together` : '';
  const parts = [`**Cost**: ${formatAllocCost(alloc, sampleType)}${all}`];
  if (alloc.inlined && alloc.inlined.length > 0) parts.push(`Allocated by inlined code:\n\n${alloc.inlined.slice(0, maxPaths).map(inlinedRow).join('\n')}`);
  if (alloc.inlinedElsewhere && alloc.inlinedElsewhere.length > 0) {
    parts.push(`Counted at the call sites this line is inlined into, not here:\n\n${alloc.inlinedElsewhere.slice(0, maxPaths).map(inlinedRow).join('\n')}`);
  }
  if (paths.length > 0) {
    const rows = paths.slice(0, maxPaths).map((p, i) => `${i + 1}. ${formatBytes(p.bytes)} · ${formatCount(p.objects)} objects — \`${callPathText(p).replace(/`/g, "'")}\``);
    parts.push(`Top call paths:\n\n${rows.join('\n')}`);
  }
  return parts.join('\n\n');
}

/** Whether a finding's cost section has something to say: bytes, a pointer to the finding carrying them, or inlined copies counted elsewhere. */
export function hasCostSection(alloc: AllocCost | null): alloc is AllocCost {
  return alloc !== null && (alloc.bytes > 0 || alloc.objects > 0 || alloc.countedOn !== undefined || (alloc.inlinedElsewhere?.length ?? 0) > 0);
}

/** The smallest share that gets an inlay hint or code lens. */
export const MIN_HINT_SHARE = 0.001;

/** Returns the short text of a hot line's hint, e.g. `2.3 GB · 14.1 M objects · 23% of alloc_space`. */
export function hintLabel(alloc: AllocCost, sampleType: ProfileSampleType): string {
  return formatAllocCost(alloc, sampleType);
}
