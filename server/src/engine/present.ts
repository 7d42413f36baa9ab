// Which findings a user sees and at what severity: the kinds table's defaults, overridden by
// settings (editor) or flags (CLI). Shared by the CLI and the language server.
import type { KindSetting } from '../protocol/settings';
import { dropRepeats } from './repeats';
import { kindInfo } from './kinds';
import type { Finding } from './types';

/** Per-kind overrides; keys are kind ids (`escape.moved`) or families (`escape`). */
export type KindSettings = Record<string, KindSetting | undefined>;

export interface PresentOptions {
  /** Show every kind, including those hidden by default. */
  all?: boolean;
  kinds?: KindSettings;
}

function override(settings: KindSettings | undefined, kind: string): KindSetting {
  if (!settings) return {};
  const family = kind.split('.')[0] ?? kind;
  return { ...(settings[family] ?? {}), ...(settings[kind] ?? {}) };
}

/** Whether a kind is shown under these options. Compile errors always are: settings cannot hide them. */
export function isKindShown(kind: string, opts: PresentOptions): boolean {
  if (opts.all || kind === 'build') return true;
  return override(opts.kinds, kind).enabled ?? kindInfo(kind).shownByDefault;
}

/** The finding as shown, with its severity from settings when set (a profile's is kept); null when its kind is hidden. */
export function presentFinding(f: Finding, opts: PresentOptions): Finding | null {
  if (!isKindShown(f.kind, opts)) return null;
  const sev = override(opts.kinds, f.kind).severity;
  return sev && f.alloc === null ? { ...f, severity: sev } : f;
}

/** The findings to show, as presentFinding shows each; each allocation once unless every line is asked for (`all`). */
export function presentFindings(findings: readonly Finding[], opts: PresentOptions): Finding[] {
  const out: Finding[] = [];
  for (const f of opts.all ? findings : dropRepeats(findings)) {
    const shown = presentFinding(f, opts);
    if (shown) out.push(shown);
  }
  return out;
}
