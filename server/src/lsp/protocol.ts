// The custom protocol between the Heapscope language server and its clients (the VS Code
// extension imports this file; other editors only need the settings shape and standard LSP).
// Like rust-analyzer's lsp_ext.ts: one place for method names, command ids and their types.
// This module must stay free of runtime dependencies on Node or vscode so both sides can bundle it.
import type { Severity } from '../engine/types';

/** The configuration section the server pulls with workspace/configuration. */
export const CONFIG_SECTION = 'heapscope';

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
  /** The document the state is about, when one. */
  uri?: string;
}

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
  /** Apply a finding fix: used by resolved code actions. Arguments: [uri: string, findingKey: string, fixId: string]. */
  applyFix: 'heapscope.applyFix',
} as const;

/** The code action kind of "fix all heapscope findings in this document". */
export const FIX_ALL_KIND = 'source.fixAll.heapscope';

/** Diagnostic source of every heapscope diagnostic. */
export const DIAGNOSTIC_SOURCE = 'heapscope';

/** What each diagnostic's `data` carries so code actions and hovers can find the finding again. */
export interface DiagnosticData {
  /** Stable key of the finding within its package result (kind + compiler position). */
  key: string;
  /** Ids of the fixes the finding offers (empty for none). */
  fixIds: string[];
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
    trusted: typeof s.trusted === 'boolean' ? s.trusted : true,
  };
}
