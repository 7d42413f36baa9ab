// The settings a client sends: their wire shape (`HeapscopeSettings`), defaults, and how the
// server reads a partial or malformed object. The profile code uses the same sample-type and
// threshold types, so a setting and the code that applies it cannot drift apart.
import type { Severity } from '../engine/types';

/** The configuration section the server pulls with workspace/configuration. */
export const CONFIG_SECTION = 'heapscope';

/** The four sample types of Go's allocs and heap profiles (pprof's names): what ranks findings and defines shares. */
export type ProfileSampleType = 'alloc_space' | 'alloc_objects' | 'inuse_space' | 'inuse_objects';

/** Every sample type the user may select, in the order Go writes them. */
export const PROFILE_SAMPLE_TYPES: readonly ProfileSampleType[] = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'];

/** Shares (0..1) at or above which an allocation finding is a warning or information; below, a hint. */
export interface SeverityThresholds {
  warning: number;
  information: number;
}

/** Default thresholds: ≥ 5% warning, ≥ 1% information. */
export const DEFAULT_SEVERITY_THRESHOLDS: Readonly<SeverityThresholds> = { warning: 0.05, information: 0.01 };

/** Where profile costs are shown at hot lines. */
export type ProfileHints = 'inlay' | 'codeLens' | 'off';

/** When the server compiles a package. 'open' and 'save' always happen; 'typing' adds debounced overlay compiles. */
export type AnalyzeOn = 'open' | 'save' | 'typing';

/** Per-kind override: keys of `HeapscopeSettings.kinds` are kind ids ('escape.moved') or families ('escape'). */
export interface KindSetting {
  enabled?: boolean;
  severity?: Severity;
}

/**
 * Settings under `heapscope.*`. Pulled with workspace/configuration (section 'heapscope') at start
 * and on workspace/didChangeConfiguration; editors without configuration support send the same
 * object as `initializationOptions` (or as `initializationOptions.heapscope`).
 * Every field is optional on the wire; the server fills in DEFAULT_SETTINGS.
 */
export interface HeapscopeSettings {
  /** Per kind id or family: shown or not, and severity. Unlisted kinds use the kinds table defaults. */
  kinds: Record<string, KindSetting>;
  /** When to analyse; see AnalyzeOn. */
  analyzeOn: AnalyzeOn;
  /** Debounce of overlay compiles while typing (analyzeOn = 'typing'), in ms. */
  typingDelayMs: number;
  /** Extra -gcflags, appended after -m=2 (e.g. ['-l']). */
  gcflags: string[];
  /** Build tags passed as -tags. */
  buildTags: string[];
  /** Path to the go binary; '' means `go` from PATH. */
  goPath: string;
  /** Extra environment for go (e.g. GOFLAGS, GOOS, GOARCH). */
  env: Record<string, string>;
  /** Allocation profiles: paths relative to the workspace folder (or absolute); `*` and `?` allowed in the last segment. */
  profiles: string[];
  /** Sample type that ranks findings and defines shares. */
  profileSampleType: ProfileSampleType;
  /** Shares (0..1) from which a finding with a profile cost is a warning or information; below, a hint. */
  severityThresholds: SeverityThresholds;
  /** How costs are shown at hot lines. */
  profileHints: ProfileHints;
  /** Largest decompressed size of one profile, in MiB: a larger one (a gzip bomb) is refused. */
  maxProfileSizeMb: number;
  /** Pre-allocation fixes may also use a loop's trip count as an upper bound for conditional appends. */
  allowUpperBound: boolean;
  /**
   * False in an untrusted workspace: the server then never runs `go` and reports status 'untrusted'.
   * Editors other than VS Code leave it out (trusted). An answer without it keeps the last value
   * sent, so a partial answer cannot lift Restricted Mode.
   */
  trusted: boolean;
}

/** The settings a server uses when the client sends none. */
export const DEFAULT_SETTINGS: HeapscopeSettings = {
  kinds: {},
  analyzeOn: 'save',
  typingDelayMs: 800,
  gcflags: [],
  buildTags: [],
  goPath: '',
  env: {},
  profiles: [],
  profileSampleType: 'alloc_space',
  severityThresholds: { ...DEFAULT_SEVERITY_THRESHOLDS },
  profileHints: 'inlay',
  maxProfileSizeMb: 512,
  allowUpperBound: false,
  trusted: true,
};

/**
 * Merges settings from the wire (partial, possibly malformed) over the defaults. `previous`, the
 * settings in use, supplies `trusted` when the answer has no boolean one: only an explicit value
 * changes trust.
 */
export function normalizeSettings(raw: unknown, previous?: Pick<HeapscopeSettings, 'trusted'>): HeapscopeSettings {
  const s: Record<string, unknown> = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);
  const kinds: Record<string, KindSetting> = {};
  if (s.kinds !== null && typeof s.kinds === 'object') {
    for (const [k, v] of Object.entries(s.kinds as Record<string, unknown>)) {
      if (v === null || typeof v !== 'object') continue;
      const o = v as Record<string, unknown>;
      const ks: KindSetting = {};
      if (typeof o.enabled === 'boolean') ks.enabled = o.enabled;
      if (o.severity === 'error' || o.severity === 'warning' || o.severity === 'information' || o.severity === 'hint') {
        ks.severity = o.severity;
      }
      kinds[k] = ks;
    }
  }
  const env: Record<string, string> = {};
  if (s.env !== null && typeof s.env === 'object') {
    for (const [k, v] of Object.entries(s.env as Record<string, unknown>)) if (typeof v === 'string') env[k] = v;
  }
  const share = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : d);
  const th = s.severityThresholds !== null && typeof s.severityThresholds === 'object' ? (s.severityThresholds as Record<string, unknown>) : {};
  const analyzeOn = s.analyzeOn === 'open' || s.analyzeOn === 'save' || s.analyzeOn === 'typing' ? s.analyzeOn : DEFAULT_SETTINGS.analyzeOn;
  return {
    kinds,
    analyzeOn,
    typingDelayMs: typeof s.typingDelayMs === 'number' && Number.isFinite(s.typingDelayMs) && s.typingDelayMs >= 0 ? s.typingDelayMs : DEFAULT_SETTINGS.typingDelayMs,
    gcflags: strings(s.gcflags) ?? [],
    buildTags: strings(s.buildTags) ?? [],
    goPath: typeof s.goPath === 'string' ? s.goPath : '',
    env,
    profiles: strings(s.profiles) ?? [],
    profileSampleType: PROFILE_SAMPLE_TYPES.find((t) => t === s.profileSampleType) ?? DEFAULT_SETTINGS.profileSampleType,
    severityThresholds: {
      warning: share(th.warning, DEFAULT_SETTINGS.severityThresholds.warning),
      information: share(th.information, DEFAULT_SETTINGS.severityThresholds.information),
    },
    profileHints: s.profileHints === 'inlay' || s.profileHints === 'codeLens' || s.profileHints === 'off' ? s.profileHints : DEFAULT_SETTINGS.profileHints,
    maxProfileSizeMb: typeof s.maxProfileSizeMb === 'number' && Number.isFinite(s.maxProfileSizeMb) && s.maxProfileSizeMb > 0 ? s.maxProfileSizeMb : DEFAULT_SETTINGS.maxProfileSizeMb,
    allowUpperBound: typeof s.allowUpperBound === 'boolean' ? s.allowUpperBound : DEFAULT_SETTINGS.allowUpperBound,
    trusted: typeof s.trusted === 'boolean' ? s.trusted : (previous?.trusted ?? DEFAULT_SETTINGS.trusted),
  };
}
