// Joining a mapped profile with findings, each sampled byte counted once. A sample's bytes belong
// to one line: for an allocation inside inlined calls, the user's call site when it has an
// allocation finding (the compiler reports an inlined allocation there), else the line that
// allocates. A line's bytes are carried by one of its allocation findings and the others point to
// it; all of them take their severity from the line's share. Hot lines with no allocation finding
// become `alloc.site` findings. So the shares of the findings add up to at most 100%.
import { kindInfo, type KindId } from '../engine/kinds';
import type { AllocCost, Finding, InlinedCost, ProfileSourceLine, Severity } from '../engine/types';
import { DEFAULT_SEVERITY_THRESHOLDS, type ProfileSampleType, type SeverityThresholds } from '../protocol/settings';
import { chosenValue, type CostPair } from './attribute';
import type { MappedFrame, MappedLine, MappedProfile } from './mapping';
import { formatBytes, formatCount, formatShare } from './format';

export { formatBytes, formatCount, formatShare };

/** Options for joining. */
export interface JoinOptions {
  thresholds?: SeverityThresholds;
  /** Lines whose bytes no allocation finding carries become alloc.site findings from this share up (0..1). Default 0.001. */
  minSiteShare?: number;
}

/** The kind id of findings made from hot profile lines. */
export const ALLOC_SITE_KIND = 'alloc.site' satisfies KindId;

/** Returns the severity a share earns under the thresholds. */
export function severityForShare(share: number, thresholds: SeverityThresholds = DEFAULT_SEVERITY_THRESHOLDS): Severity {
  if (share >= thresholds.warning) return 'warning';
  if (share >= thresholds.information) return 'information';
  return 'hint';
}

/** The bytes owned by one line: every sample once (see ownedCosts). */
export interface OwnedCost extends CostPair {
  /** The part that inlined calls allocate, by where they allocate and which call brings it. */
  inlined: InlinedCost[];
  /** What this line's code allocates where it is inlined, owned by those call sites. */
  inlinedElsewhere: InlinedCost[];
}

const key = (file: string, line: number): string => `${file}:${line}`;

/**
 * Returns the bytes each local line owns, keyed `file:line`. An allocation goes to the outermost
 * placed frame of its chain (the user's call site first) with a compiler decision among its
 * findings (escape analysis decides inlined code anew at each call site), else to the innermost
 * placed frame with any allocation finding (a compiled-code finding at a call site only repeats
 * what the inlined callee's line does), else to the innermost placed frame (where it is
 * allocated, or the user's line an inlined dependency allocates for). Every mapped sample lands
 * on exactly one line.
 */
export function ownedCosts(
  profile: Pick<MappedProfile, 'allocations'>,
  hasFinding: (fileLine: string) => boolean = () => false,
  onlyCodeFindings: (fileLine: string) => boolean = () => false,
): Map<string, OwnedCost> {
  const out = new Map<string, OwnedCost>();
  const at = (k: string): OwnedCost => {
    let c = out.get(k);
    if (!c) out.set(k, (c = { bytes: 0, objects: 0, inlined: [], inlinedElsewhere: [] }));
    return c;
  };
  const source = (f: MappedFrame): ProfileSourceLine => ({ function: f.function, file: f.file, line: f.line });
  const addPart = (list: InlinedCost[], part: InlinedCost): void => {
    const same = list.find(
      (p) => p.allocatedAt.file === part.allocatedAt.file && p.allocatedAt.line === part.allocatedAt.line && p.calledAt.file === part.calledAt.file && p.calledAt.line === part.calledAt.line,
    );
    if (same) {
      same.bytes += part.bytes;
      same.objects += part.objects;
    } else list.push({ ...part });
  };
  for (const a of profile.allocations) {
    const placed = a.frames.filter((f) => f.placed);
    const home = placed[0];
    if (!home) continue;
    const outer = placed[placed.length - 1]!;
    const owner = [...placed].reverse().find((f) => hasFinding(key(f.file, f.line)) && !onlyCodeFindings(key(f.file, f.line))) ?? placed.find((f) => hasFinding(key(f.file, f.line))) ?? home;
    const c = at(key(owner.file, owner.line));
    c.bytes += a.bytes;
    c.objects += a.objects;
    const first = a.frames[0]!;
    if (a.frames.length > 1 && (first.file !== outer.file || first.line !== outer.line)) {
      const part: InlinedCost = { bytes: a.bytes, objects: a.objects, allocatedAt: source(first), calledAt: source(outer) };
      addPart(c.inlined, part);
      if (owner !== home) addPart(at(key(home.file, home.line)).inlinedElsewhere, part);
    }
  }
  return out;
}

/** Returns an owned cost as a finding carries it, with its share of the profile. */
function costOf(owned: OwnedCost | undefined, profile: Pick<MappedProfile, 'total' | 'sampleType'>): AllocCost {
  if (!owned) return { bytes: 0, objects: 0, share: 0 };
  const total = chosenValue(profile.total, profile.sampleType);
  const cost: AllocCost = { bytes: owned.bytes, objects: owned.objects, share: total > 0 ? chosenValue(owned, profile.sampleType) / total : 0 };
  if (owned.inlined.length > 0) cost.inlined = byValue(owned.inlined, profile.sampleType);
  if (owned.inlinedElsewhere.length > 0) cost.inlinedElsewhere = byValue(owned.inlinedElsewhere, profile.sampleType);
  return cost;
}

function byValue(parts: InlinedCost[], sampleType: ProfileSampleType): InlinedCost[] {
  return [...parts].sort((a, b) => chosenValue(b, sampleType) - chosenValue(a, sampleType));
}

/** Returns the local lines that allocate and what each owns when no finding claims a call site (the editor's top sites), heaviest first. */
export function siteCosts(profile: MappedProfile): Array<{ line: MappedLine; cost: AllocCost }> {
  const lines = new Map(profile.lines.map((l) => [key(l.file, l.line), l]));
  const out: Array<{ line: MappedLine; cost: AllocCost }> = [];
  for (const [k, owned] of ownedCosts(profile)) {
    const line = lines.get(k);
    if (line && (owned.bytes > 0 || owned.objects > 0)) out.push({ line, cost: costOf(owned, profile) });
  }
  return out.sort((a, b) => b.cost.share - a.cost.share || a.line.file.localeCompare(b.line.file) || a.line.line - b.line.line);
}

/** Whether a finding takes its cost and severity from the profile (allocation kinds; never a compile error). */
function weighed(f: Finding): boolean {
  return f.severity !== 'error' && kindInfo(f.kind).weighedByProfile;
}

/** Returns the findings with `alloc` attached (each byte once), severities from shares, and new alloc.site findings for hot lines without an allocation finding. */
export function joinFindings(findings: Finding[], profile: MappedProfile, options: JoinOptions = {}): Finding[] {
  const thresholds = options.thresholds ?? DEFAULT_SEVERITY_THRESHOLDS;
  const minSiteShare = options.minSiteShare ?? 0.001;
  // The allocation findings of each line; the first by column carries the line's cost.
  const onLine = new Map<string, number[]>();
  findings.forEach((f, i) => {
    if (!weighed(f)) return;
    const k = key(f.file, f.line);
    const list = onLine.get(k);
    if (list) list.push(i);
    else onLine.set(k, [i]);
  });
  const carrierOf = new Map<string, number>();
  for (const [k, list] of onLine)
    carrierOf.set(
      k,
      list.reduce((best, i) => (findings[i]!.column < findings[best]!.column ? i : best)),
    );
  const owned = ownedCosts(
    profile,
    (k) => onLine.has(k),
    (k) => (onLine.get(k) ?? []).every((i) => kindInfo(findings[i]!.kind).source === 'code'),
  );

  const joined = findings.map((f, i): Finding => {
    // Correctness kinds and compile errors keep their severity and carry no bytes: the line's
    // bytes are on its allocation finding or an alloc.site finding.
    if (!weighed(f)) return { ...f, alloc: { bytes: 0, objects: 0, share: 0 } };
    const k = key(f.file, f.line);
    const cost = costOf(owned.get(k), profile);
    const severity = severityForShare(cost.share, thresholds);
    const carrier = carrierOf.get(k)!;
    const count = onLine.get(k)!.length;
    if (carrier === i) return { ...f, alloc: count > 1 && (cost.bytes > 0 || cost.objects > 0) ? { ...cost, lineFindings: count } : cost, severity };
    if (cost.bytes === 0 && cost.objects === 0) return { ...f, alloc: { bytes: 0, objects: 0, share: 0 }, severity };
    const c = findings[carrier]!;
    return { ...f, alloc: { bytes: 0, objects: 0, share: 0, countedOn: { kind: c.kind, line: c.line, column: c.column, share: cost.share } }, severity };
  });

  const lines = new Map(profile.lines.map((l) => [key(l.file, l.line), l]));
  const sites = [...owned].filter(([k]) => !onLine.has(k)).map(([k, o]) => ({ line: lines.get(k), alloc: costOf(o, profile) }));
  sites.sort((a, b) => b.alloc.share - a.alloc.share);
  for (const { line, alloc } of sites) {
    if (!line || alloc.share < minSiteShare || alloc.share === 0) continue;
    joined.push({
      file: line.file,
      line: line.line,
      column: line.column,
      endLine: line.line,
      endColumn: line.endColumn,
      severity: severityForShare(alloc.share, thresholds),
      kind: ALLOC_SITE_KIND,
      message: `${formatAllocCost(alloc, profile.sampleType, false)} allocated here (${formatShare(alloc.share)} of ${profile.sampleType})`,
      compiler: null,
      related: [],
      fixes: [],
      alloc,
      packagePath: line.packagePath,
      decision: null,
    });
  }
  return joined;
}

/** Returns the share a finding ranks by: its own, or for one whose line's cost another carries, the line's; -1 without a profile. */
export function rankingShare(alloc: AllocCost | null): number {
  return alloc ? (alloc.countedOn?.share ?? alloc.share) : -1;
}

/** Returns a finding's cost as the CLI prints it after the message, or '' when it has none: the numbers, or where the line's numbers are. */
export function findingCostText(alloc: AllocCost | null, sampleType: ProfileSampleType): string {
  if (!alloc) return '';
  if (alloc.countedOn) return `(counted on ${alloc.countedOn.kind} at ${alloc.countedOn.line}:${alloc.countedOn.column})`;
  if (alloc.bytes + alloc.objects === 0) return '';
  return `(${formatAllocCost(alloc, sampleType)})`;
}

/** Returns the hover's cost line, e.g. `2.3 GB · 14.1 M objects · 23% of alloc_space` (without the share when withShare is false). */
export function formatAllocCost(cost: AllocCost | (CostPair & { share?: number }), sampleType: ProfileSampleType, withShare = true): string {
  const objects = `${formatCount(cost.objects)} ${cost.objects === 1 ? 'object' : 'objects'}`;
  const parts = [formatBytes(cost.bytes), objects];
  if (withShare) parts.push(`${formatShare(cost.share ?? 0)} of ${sampleType}`);
  return parts.join(' · ');
}
