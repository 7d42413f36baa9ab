// Joining a mapped profile with findings: each finding gets the bytes, objects and share of its
// line (plus what functions inlined at that line allocated), allocation findings take their
// severity from the share, and hot lines with no finding become `alloc.site` findings.
import { kindInfo, type KindId } from '../engine/kinds';
import type { AllocCost, Finding, Severity } from '../engine/types';
import { DEFAULT_SEVERITY_THRESHOLDS, type ProfileSampleType, type SeverityThresholds } from '../protocol/settings';
import { chosenValue, type CostPair } from './attribute';
import type { MappedLine, MappedProfile } from './mapping';
import { formatBytes, formatCount, formatShare } from './format';

export { formatBytes, formatCount, formatShare };

/** Options for joining. */
export interface JoinOptions {
  thresholds?: SeverityThresholds;
  /** Lines without a finding become alloc.site findings from this share up (0..1). Default 0.001. */
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

/** Returns the cost of a line as a finding there carries it: its own allocations plus those of functions inlined at it. */
export function lineCost(line: MappedLine, profile: Pick<MappedProfile, 'total' | 'sampleType'>): AllocCost {
  const bytes = line.flat.bytes + line.inlined.bytes;
  const objects = line.flat.objects + line.inlined.objects;
  const total = chosenValue(profile.total, profile.sampleType);
  const value = chosenValue({ bytes, objects }, profile.sampleType);
  return { bytes, objects, share: total > 0 ? value / total : 0 };
}

/** Returns the findings with `alloc` attached by line, severities from shares, and new alloc.site findings for hot lines without one. */
export function joinFindings(findings: Finding[], profile: MappedProfile, options: JoinOptions = {}): Finding[] {
  const thresholds = options.thresholds ?? DEFAULT_SEVERITY_THRESHOLDS;
  const minSiteShare = options.minSiteShare ?? 0.001;
  const byLine = new Map<string, MappedLine>();
  for (const l of profile.lines) byLine.set(`${l.file}:${l.line}`, l);

  const covered = new Set<string>();
  const joined = findings.map((f): Finding => {
    const key = `${f.file}:${f.line}`;
    covered.add(key);
    const line = byLine.get(key);
    const alloc: AllocCost = line ? lineCost(line, profile) : { bytes: 0, objects: 0, share: 0 };
    // Allocation kinds take their severity from the share (the kinds table's weighedByProfile);
    // correctness kinds and compile errors keep theirs.
    const byShare = f.severity !== 'error' && kindInfo(f.kind).weighedByProfile;
    const severity = byShare ? severityForShare(alloc.share, thresholds) : f.severity;
    return { ...f, alloc, severity };
  });

  for (const line of profile.lines) {
    const key = `${line.file}:${line.line}`;
    if (covered.has(key) || (line.flat.bytes === 0 && line.flat.objects === 0 && line.inlined.bytes === 0)) continue;
    const alloc = lineCost(line, profile);
    if (alloc.share < minSiteShare || alloc.share === 0) continue;
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

/** Returns the hover's cost line, e.g. `2.3 GB · 14.1 M objects · 23% of alloc_space` (without the share when withShare is false). */
export function formatAllocCost(cost: AllocCost | (CostPair & { share?: number }), sampleType: ProfileSampleType, withShare = true): string {
  const objects = `${formatCount(cost.objects)} ${cost.objects === 1 ? 'object' : 'objects'}`;
  const parts = [formatBytes(cost.bytes), objects];
  if (withShare) parts.push(`${formatShare(cost.share ?? 0)} of ${sampleType}`);
  return parts.join(' · ');
}
