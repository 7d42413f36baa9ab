// The `profile` object the CLI prints in its JSON output, user-facing warnings about mapping, and
// the rule refusing a profile that does not map onto the module.
import type { CostPair } from './attribute';
import { ProfileError } from './decode';
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

/** Returns warnings the user should see about a mapped profile (drifted files); a profile that maps nowhere is refused by checkProfileMapsOntoModule. */
export function profileWarnings(profile: MappedProfile): string[] {
  const warnings: string[] = [];
  const total = profile.total.bytes;
  const drifted = profile.unmapped.filter((u) => u.reason === 'file changed since profile');
  if (drifted.length > 0) {
    const bytes = drifted.reduce((s, u) => s + u.bytes, 0);
    const files = [...new Set(drifted.map((u) => u.file))];
    warnings.push(`${formatBytes(bytes)} (${formatShare(total > 0 ? bytes / total : 0)}) not shown: ${files.join(', ')} changed since the profile was taken`);
  }
  return warnings;
}

/**
 * Throws a ProfileError when none of a profile's cost maps onto the module: a profile of another
 * program would leave every finding without cost (all hints), which must not pass a CI gate quietly.
 * The CLI and the language server both refuse such a profile through this one rule.
 */
export function checkProfileMapsOntoModule(profile: MappedProfile, files: readonly string[], modulePath: string): void {
  const { total, mapped } = profile;
  if ((total.bytes > 0 || total.objects > 0) && mapped.bytes === 0 && mapped.objects === 0) {
    throw new ProfileError(
      'not-this-module',
      `${files.join(', ')}: 0% of the profile's ${formatBytes(total.bytes)} maps onto module ${modulePath}: it looks like a profile of another program; ` +
        'give a profile of this module (for example `go test -memprofile mem.pprof` on its packages, or /debug/pprof/allocs of a program built from it)',
    );
  }
}
