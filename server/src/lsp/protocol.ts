// The custom protocol between the Heapscope language server and its clients (the VS Code
// extension imports this file; other editors only need the settings shape and standard LSP).
// Like rust-analyzer's lsp_ext.ts: one place for method names, command ids and their types.
// This module must stay free of runtime dependencies on Node or vscode so both sides can bundle it.
import type { Severity } from '../engine/types';

/** The configuration section the server pulls with workspace/configuration. */
export const CONFIG_SECTION = 'heapscope';

/** Sample type of allocation profiles to rank and share by (same names as pprof's). */
export type ProfileSampleType = 'alloc_space' | 'alloc_objects' | 'inuse_space' | 'inuse_objects';

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
  severityThresholds: { warning: number; information: number };
  /** How costs are shown at hot lines. */
  profileHints: ProfileHints;
  /** Largest decompressed size of one profile, in MiB: a larger one (a gzip bomb) is refused. */
  maxProfileSizeMb: number;
  /** Pre-allocation fixes may also use a loop's trip count as an upper bound for conditional appends. */
  allowUpperBound: boolean;
  /**
   * False in an untrusted workspace: the server then never runs `go` and reports status 'untrusted'.
   * Editors other than VS Code leave it out (trusted).
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
  severityThresholds: { warning: 0.05, information: 0.01 },
  profileHints: 'inlay',
  maxProfileSizeMb: 512,
  allowUpperBound: false,
  trusted: true,
};

/** The server's state, shown in the status bar. */
export type ServerState =
  | 'idle' //          nothing analysed yet
  | 'analysing' //     a compiler run is in progress
  | 'ok' //            the package compiled; heapAllocations counts its heap findings
  | 'compileError' //  the package does not compile (the error is a diagnostic)
  | 'stale' //         results shown are from an earlier compile (the current text does not compile)
  | 'untrusted' //     trusted = false: go is never run
  | 'noGo' //          the go binary was not found; message names the path tried
  | 'notInModule'; //  the active file is in no Go module (no go.mod / go.work above it)

/** `heapscope/status` (server → client notification) parameters. */
export interface StatusParams {
  state: ServerState;
  /** Heap allocations (escape.* and loopvar.heap findings) of the package in `package`; 0 otherwise. */
  heapAllocations: number;
  /** One line for the status bar tooltip and the log. */
  message: string;
  /** Import path of the package the state is about. */
  package?: string;
  /** The directory of the package the state is about, when one: the status bar shows the active file's. */
  dir?: string;
  /** The allocation profile in use, when one is loaded. */
  profile?: ProfileStatus;
}

/** The loaded allocation profile, for the status bar. */
export interface ProfileStatus {
  /** Absolute paths of the profile files. */
  files: string[];
  sampleType: ProfileSampleType;
  /** Totals of the profile (bytes and objects of the sample type's pair). */
  total: { bytes: number; objects: number };
  /** Share (0..1) of the chosen sample that lands on lines of the workspace module. */
  mappedShare: number;
  /** One line, e.g. `mem.pprof: 2.3 GB · 14.1 M objects (alloc_space)`. */
  text: string;
}

/** `heapscope/topAllocationSites` request parameters. */
export interface TopAllocationSitesParams {
  /** At most this many sites (default 50). */
  limit?: number;
}

/** One allocating line of the loaded profile, heaviest first. */
export interface AllocationSite {
  uri: string;
  /** 0-based line in the file as the profile saw it. */
  line: number;
  function: string;
  bytes: number;
  objects: number;
  /** Share (0..1) of the profile's total for the sample type. */
  share: number;
  /** `2.3 GB · 14.1 M objects · 23% of alloc_space`. */
  label: string;
}

/** `heapscope/topAllocationSites` result: empty sites and a message when no profile is loaded. */
export interface TopAllocationSitesResult {
  sites: AllocationSite[];
  sampleType?: ProfileSampleType;
  message?: string;
}

/** Request method: the allocating lines of the loaded profile by share. */
export const TOP_ALLOCATION_SITES_REQUEST = 'heapscope/topAllocationSites';

/** Notification method: the server's state changed. */
export const STATUS_NOTIFICATION = 'heapscope/status';

/** `heapscope/compilerOutput` request parameters: a document of the package. */
export interface CompilerOutputParams {
  uri: string;
}

/** `heapscope/compilerOutput` result: the package's raw `-m=2` output from its last compile. */
export interface CompilerOutputResult {
  /** Import path (or directory when unknown). */
  packagePath: string;
  /** Absolute directory of the package; positions in `text` are relative to `workingDir`. */
  packageDir: string;
  /** The directory go ran in: relative paths in `text` resolve against it (for document links). */
  workingDir: string;
  /** The raw compiler output; '' when the package has not been analysed (see `message`). */
  text: string;
  /** Why `text` is empty, if it is. */
  message?: string;
}

/** Request method: raw compiler output of the package of a document. */
export const COMPILER_OUTPUT_REQUEST = 'heapscope/compilerOutput';

/** Command ids executed through workspace/executeCommand (the server advertises them). */
export const Commands = {
  /** Analyse the package of a document now, ignoring the cache. Arguments: [uri: string]. */
  analyzePackage: 'heapscope.analyzePackage',
  /** Load allocation profiles in place of `heapscope.profiles`. Arguments: [path: string, ...more paths]. */
  loadProfile: 'heapscope.loadProfile',
  /** Stop using allocation profiles (until the setting changes or a profile is loaded). No arguments. */
  clearProfile: 'heapscope.clearProfile',
  /** Client command: pick one of the top allocation sites and jump to it (code lenses run it too). */
  topAllocationSites: 'heapscope.topAllocationSites',
} as const;

/** The code action kind of "fix all heapscope findings in this document". */
export const FIX_ALL_KIND = 'source.fixAll.heapscope';

/** Diagnostic source of every heapscope diagnostic. */
export const DIAGNOSTIC_SOURCE = 'heapscope';

/** What each diagnostic's `data` carries so code actions and hovers can find the finding again. */
export interface DiagnosticData {
  /** Stable key of the finding within its package result (kind + compiler position). */
  key: string;
  /** Ids of the fixes the finding offers now; absent when none (or an edit withdrew them until the next compile). */
  fixIds?: string[];
  /** Set on diagnostics kept from an earlier compile while the package does not compile. */
  stale?: boolean;
}

/** Data of a code action awaiting codeAction/resolve. */
export interface CodeActionData {
  uri: string;
  /** Finding keys; one for a quickfix, all with fixes for fixAll. */
  keys: string[];
  /** Fix id for a quickfix; undefined for fixAll (each finding's first fix). */
  fixId?: string;
}

/** Suffix appended to diagnostics kept from the last good compile while the package does not compile. */
export const STALE_SUFFIX = ' (stale: package does not compile)';

/** Merges settings from the wire (partial, possibly malformed) over the defaults. */
export function normalizeSettings(raw: unknown): HeapscopeSettings {
  const s: Record<string, unknown> = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const strings = (v: unknown): string[] | null =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
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
  const sampleTypes: ProfileSampleType[] = ['alloc_space', 'alloc_objects', 'inuse_space', 'inuse_objects'];
  const share = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : d);
  const th = s.severityThresholds !== null && typeof s.severityThresholds === 'object' ? (s.severityThresholds as Record<string, unknown>) : {};
  const analyzeOn = s.analyzeOn === 'open' || s.analyzeOn === 'save' || s.analyzeOn === 'typing' ? s.analyzeOn : DEFAULT_SETTINGS.analyzeOn;
  return {
    kinds,
    analyzeOn,
    typingDelayMs:
      typeof s.typingDelayMs === 'number' && Number.isFinite(s.typingDelayMs) && s.typingDelayMs >= 0
        ? s.typingDelayMs
        : DEFAULT_SETTINGS.typingDelayMs,
    gcflags: strings(s.gcflags) ?? [],
    buildTags: strings(s.buildTags) ?? [],
    goPath: typeof s.goPath === 'string' ? s.goPath : '',
    env,
    profiles: strings(s.profiles) ?? [],
    profileSampleType: sampleTypes.find((t) => t === s.profileSampleType) ?? DEFAULT_SETTINGS.profileSampleType,
    severityThresholds: {
      warning: share(th.warning, DEFAULT_SETTINGS.severityThresholds.warning),
      information: share(th.information, DEFAULT_SETTINGS.severityThresholds.information),
    },
    profileHints: s.profileHints === 'inlay' || s.profileHints === 'codeLens' || s.profileHints === 'off' ? s.profileHints : DEFAULT_SETTINGS.profileHints,
    maxProfileSizeMb:
      typeof s.maxProfileSizeMb === 'number' && Number.isFinite(s.maxProfileSizeMb) && s.maxProfileSizeMb > 0 ? s.maxProfileSizeMb : DEFAULT_SETTINGS.maxProfileSizeMb,
    allowUpperBound: typeof s.allowUpperBound === 'boolean' ? s.allowUpperBound : DEFAULT_SETTINGS.allowUpperBound,
    trusted: typeof s.trusted === 'boolean' ? s.trusted : true,
  };
}
