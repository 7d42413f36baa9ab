// The custom requests and notifications between the Heapscope server and its clients, and the
// commands the server executes. Like rust-analyzer's lsp_ext.ts, each message is one constant with
// its method name and its types; docs/LSP.md describes them for other editors.
//
// The constants are plain data, not vscode-jsonrpc RequestType objects: the server's
// vscode-languageserver 10.1 and the client's vscode-languageclient 11 each bring their own
// vscode-jsonrpc (9 and 10), whose RequestType classes are incompatible in type (private
// members) and at run time (sending one of the other copy's throws "Unknown parameter
// structure"). Each side turns a constant into its own library's type with one generic line
// (`requestType` in server/src/lsp/server.ts and client/src/extension.ts), keeping the types.
import type { ProfileSampleType } from './settings';

/** A request the client sends to the server: its method, and (as types only) its params and result. */
export interface CustomRequest<P, R> {
  readonly method: string;
  readonly direction: 'clientToServer';
  /** Never set: carries the params and result types for each side's typed helpers. */
  readonly types?: [P, R];
}

/** A notification the server sends to the client: its method, and (as a type only) its params. */
export interface CustomNotification<P> {
  readonly method: string;
  readonly direction: 'serverToClient';
  /** Never set: carries the params type for each side's typed helpers. */
  readonly types?: [P];
}

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

/** Server → client: the server's state changed (sent for every package it starts or ends analysing). */
export const StatusNotification: CustomNotification<StatusParams> = { method: 'heapscope/status', direction: 'serverToClient' };

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

/** Client → server: the allocating lines of the loaded profile, by share. */
export const TopAllocationSitesRequest: CustomRequest<TopAllocationSitesParams, TopAllocationSitesResult> = {
  method: 'heapscope/topAllocationSites',
  direction: 'clientToServer',
};

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
  /**
   * The package's files (absolute), as go listed them. The build cache replays a package's output
   * with the paths of its first run, which may have been in another directory: resolve printed
   * paths with `resolveCompilerPath(printed, workingDir, files, path)`, which falls back to these.
   */
  files: string[];
  /** Why `text` is empty, if it is. */
  message?: string;
}

/** Client → server: the raw compiler output of the package of a document. */
export const CompilerOutputRequest: CustomRequest<CompilerOutputParams, CompilerOutputResult> = {
  method: 'heapscope/compilerOutput',
  direction: 'clientToServer',
};

/** `heapscope/compiledCode` request parameters: a position in a Go document. */
export interface CompiledCodeParams {
  uri: string;
  /** 0-based line and UTF-16 character, as LSP positions. */
  position: { line: number; character: number };
}

/** A link of the compiled-code document to the source line an instruction was compiled from. */
export interface CompiledCodeLink {
  /** 0-based line of the document and the UTF-16 span of the linked text on it (an address or a `file.go:NN`). */
  line: number;
  start: number;
  end: number;
  /** The source file (absolute) and its 1-based line. */
  file: string;
  fileLine: number;
}

/** `heapscope/compiledCode` result: the compiled code of the function at the position. */
export interface CompiledCodeResult {
  /** The function as people name it: `NewPoint`, `(*Buffer).Write`; '' when there is none. */
  function: string;
  /** Import path of its package ('' when unknown). */
  packagePath: string;
  /** The read-only assembly document; '' when there is nothing to show (see `message`). */
  text: string;
  links: CompiledCodeLink[];
  /** Allocator calls marked in `text`. */
  allocatorCalls: number;
  /** Why `text` is empty, if it is: not in a function, not compiled yet, untrusted workspace, … */
  message?: string;
}

/**
 * Client → server: the compiled code of the function (with its closures) that encloses a position,
 * read with `go tool objdump` from the package's compiled archive of its last compile.
 */
export const CompiledCodeRequest: CustomRequest<CompiledCodeParams, CompiledCodeResult> = {
  method: 'heapscope/compiledCode',
  direction: 'clientToServer',
};

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
