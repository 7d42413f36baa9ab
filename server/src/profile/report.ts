// The `profile` object the CLI prints in its JSON output, and user-facing warnings about mapping.
import type { CostPair } from './attribute';
import type { ProfileSampleType } from '../protocol/settings';
import { formatBytes, formatShare } from './format';
import type { MappedProfile, UnmappedReason } from './mapping';

/** The CLI's `profile` JSON object. */
export interface ProfileReport {
  files: string[];
  sampleType: ProfileSampleType;
  total: CostPair;
  mapped: CostPair;
  unmapped: Array<{ file: string; reason: UnmappedReason; bytes: number }>;
  sites: Array<{ file: string; line: number; function: string; flat: CostPair; cum: CostPair }>;
}

/** Returns the CLI JSON `profile` object for a mapped profile loaded from files. */
export function profileReport(files: string[], profile: MappedProfile): ProfileReport {
  return {
    files,
    sampleType: profile.sampleType,
    total: profile.total,
    mapped: profile.mapped,
    unmapped: profile.unmapped.map((u) => ({ file: u.file, reason: u.reason, bytes: u.bytes })),
    sites: profile.lines.map((l) => ({ file: l.file, line: l.line, function: l.function, flat: l.flat, cum: l.cum })),
  };
}

/** Returns warnings the user should see about a mapped profile (nothing mapped, drifted files). */
export function profileWarnings(profile: MappedProfile, modulePath: string): string[] {
  const warnings: string[] = [];
  const total = profile.total.bytes;
  if (total > 0 && profile.mapped.bytes === 0) {
    warnings.push(`none of the profile's ${formatBytes(total)} maps onto module ${modulePath} (0% mapped): it looks like a profile of another program`);
  }
  const drifted = profile.unmapped.filter((u) => u.reason === 'file changed since profile');
  if (drifted.length > 0) {
    const bytes = drifted.reduce((s, u) => s + u.bytes, 0);
    const files = [...new Set(drifted.map((u) => u.file))];
    warnings.push(`${formatBytes(bytes)} (${formatShare(total > 0 ? bytes / total : 0)}) not shown: ${files.join(', ')} changed since the profile was taken`);
  }
  return warnings;
}
