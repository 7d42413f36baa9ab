// The language server's coordinator: settings (window, folders, trust), the open documents and the
// status bar, wired to the parts that own the rest — packageRuns.ts (per-package results and
// compiler runs), profileState.ts (the allocation profile), publisher.ts (diagnostics) — and to the
// features (hover.ts, codeActions.ts, profileHints.ts). Handlers in server.ts call these methods;
// everything that talks to the editor goes through SessionHost, so no part touches the connection.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, CodeActionParams, CodeLens, Diagnostic, Hover, InlayHint, Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Finding } from '../engine/types';
import { GO, type PipelineDeps } from '../pipeline/index';
import { compiledCodeAt } from './compiledCode';
import { documentCodeActions, liveFixes, resolveCodeAction, textOfDocuments } from './codeActions';
import { gofmtBeside, isGofmtClean } from '../fixes/gofmt';
import { OpenDocument } from './documents';
import { owningFolder, profileSource, type FolderSettings } from './folders';
import { findingsHover } from './hover';
import { applyResults, buildConfigKey, compilerOutput, packageStatus, PackageRuns, swapFindings, untrustedStatus, type PackageState } from './packageRuns';
import { profileCodeLenses, profileInlayHints } from './profileHints';
import { ProfileState } from './profileState';
import { DiagnosticPublisher } from './publisher';
import { DEFAULT_SETTINGS, type CompiledCodeResult, type CompilerOutputResult, type HeapscopeSettings, type StatusParams, type TopAllocationSitesResult } from '../protocol';

/** What the session needs from the editor connection. */
export interface SessionHost {
  publish(uri: string, diagnostics: Diagnostic[]): void;
  status(p: StatusParams): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Starts a progress indicator; `done` ends it. */
  progress(title: string, message: string): Promise<{ done(): void }>;
  /** A message the user should see once (window/showMessage). */
  showMessage(level: 'warn' | 'error', message: string): void;
  /** Asks the editor to re-request inlay hints and code lenses (a profile was loaded or cleared). */
  refreshHints(): void;
}

/** The absolute path of a file URI, or null for other schemes. */
export function uriPath(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

/** Settings, documents and status of one language server, and the parts that own the rest. */
export class Session {
  /** The window's settings: trust, and everything for files in no folder with settings of its own. */
  settings: HeapscopeSettings = DEFAULT_SETTINGS;
  /** The workspace folders with their own settings (set through configure). */
  folders: FolderSettings[] = [];
  readonly docs = new Map<string, OpenDocument>();
  /** Whether code actions may omit the edit and have it resolved later. */
  resolveSupport = false;
  /** The workspace folder: profile paths are relative to it, and its module is what profiles map onto. */
  workspaceRoot: string | null = null;
  private lastStatus: StatusParams | null = null;
  private readonly runs: PackageRuns;
  private readonly profiles: ProfileState;
  private readonly publisher: DiagnosticPublisher;

  /**
   * @param host what the session needs from the editor connection
   * @param pipelineDeps the compiler the pipeline runs; tests pass recorded runs
   */
  constructor(
    private readonly host: SessionHost,
    pipelineDeps: PipelineDeps = GO,
  ) {
    this.runs = new PackageRuns(
      {
        settingsFor: (file) => this.settingsFor(file),
        trusted: () => this.settings.trusted,
        docsOf: (dir) => this.docsOf(dir),
        withProfile: (raw, dir) => this.withProfile(raw, dir),
        status: (p) => this.status(p),
        log: (level, message) => host.log(level, message),
        progress: (title, message) => host.progress(title, message),
        showResults: (st) => {
          for (const d of this.docsOf(st.dir)) {
            applyResults(st, d);
            this.publisher.publishNow(d);
          }
          this.sendStatus(st);
        },
      },
      pipelineDeps,
    );
    this.profiles = new ProfileState({
      // Profiles are window-wide; see folders.ts profileSource.
      source: () => profileSource(this.settings, this.folders, this.workspaceRoot),
      workspaceRoot: () => this.workspaceRoot,
      changed: () => void this.rejoinAll(),
      notUsed: (message) => {
        const last = this.lastStatus ?? { state: 'idle' as const, heapAllocations: 0, message: '' };
        this.status({ ...last, message: `Profile not used: ${message}` });
      },
      log: (level, message) => host.log(level, message),
      showMessage: (level, message) => host.showMessage(level, message),
    });
    this.publisher = new DiagnosticPublisher({
      settingsFor: (file) => this.settingsFor(file),
      compiledTexts: (doc) => {
        const st = this.runs.state(path.dirname(doc.path));
        return st.good ?? st.failed;
      },
      publish: (uri, diagnostics) => host.publish(uri, diagnostics),
      log: (level, message) => host.log(level, message),
    });
  }

  /**
   * Set when the connection writes with wire.ts's fastJsonEncoder: published diagnostics then
   * carry only their range and cached JSON tail (the encoder reads nothing else).
   */
  get compactDiagnostics(): boolean {
    return this.publisher.compact;
  }

  set compactDiagnostics(on: boolean) {
    this.publisher.compact = on;
  }

  /** Whether the client takes related information in diagnostics (explanation steps). */
  get relatedInformation(): boolean {
    return this.publisher.relatedInformation;
  }

  set relatedInformation(on: boolean) {
    this.publisher.relatedInformation = on;
  }

  /** The settings for a file or package directory: its innermost workspace folder's, else the window's. */
  settingsFor(file: string): HeapscopeSettings {
    return owningFolder(this.folders, file)?.settings ?? this.settings;
  }

  /** Sends a status, with the loaded profile attached, and remembers it for re-sending. */
  private status(p: StatusParams): void {
    const profile = this.profiles.loaded;
    const withProfile = profile ? { ...p, profile: profile.status } : p;
    this.lastStatus = withProfile;
    this.host.status(withProfile);
  }

  private sendStatus(st: PackageState): void {
    this.status(packageStatus(st));
  }

  private docsOf(dir: string): OpenDocument[] {
    return [...this.docs.values()].filter((d) => path.dirname(d.path) === dir);
  }

  // ------------------------------------------------------------------------------------------
  // Documents

  /** didOpen: shows cached results at once, or analyses the package. */
  open(uri: string, version: number, text: string): void {
    const file = uriPath(uri);
    if (!file) return;
    const doc = new OpenDocument(uri, file, version, text);
    this.docs.set(uri, doc);
    if (doc.large) this.host.log('warn', `${file} is over 1 MB: live tracking is off for it; diagnostics are dropped on the first edit and come back on save.`);
    const st = this.runs.state(path.dirname(file));
    if ((st.good || st.failed) && !st.dirty) {
      applyResults(st, doc);
      this.publisher.publishNow(doc);
      this.sendStatus(st);
      return;
    }
    if (!st.running) void this.runs.analyse(path.dirname(file), 'open');
  }

  /**
   * didChange: applies the edit; the findings move with their syntax nodes when they are next read
   * (a publish, a hover), and the publish is coalesced with the edits that follow (publisher.ts).
   */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.applyChanges(changes, version);
    this.publisher.publish(doc);
    if (this.settingsFor(doc.path).analyzeOn === 'typing') this.runs.scheduleTypingCompile(path.dirname(doc.path));
  }

  /** didSave: the package changed on disk; analyse it again. */
  save(uri: string): void {
    const doc = this.docs.get(uri);
    const file = doc?.path ?? uriPath(uri);
    if (!file) return;
    if (doc) doc.dirty = false;
    const st = this.runs.state(path.dirname(file));
    st.dirty = true;
    void this.runs.analyse(st.dir, 'save', file);
  }

  /** didClose: forget the document and clear its diagnostics. */
  close(uri: string): void {
    const doc = this.docs.get(uri);
    this.docs.delete(uri);
    this.publisher.forget(uri);
    this.host.publish(uri, []);
    if (doc && this.docsOf(path.dirname(doc.path)).length === 0) this.runs.cancelTyping(path.dirname(doc.path));
  }

  /** didChangeWatchedFiles: marks packages dirty; re-analyses those with open files. */
  filesChanged(uris: readonly string[]): void {
    const toAnalyse = new Set<string>();
    for (const uri of uris) {
      const file = uriPath(uri);
      if (!file) continue;
      const base = path.basename(file);
      if (base === 'go.mod' || base === 'go.work' || base === 'go.sum') {
        this.runs.markAllDirty();
        for (const d of this.docs.values()) toAnalyse.add(path.dirname(d.path));
        continue;
      }
      if (!file.endsWith('.go')) continue;
      const dir = path.dirname(file);
      this.runs.state(dir).dirty = true;
      // A save of an open document is handled by didSave; this is for changes made outside the editor.
      const open = [...this.docs.values()].some((d) => d.path === file);
      if (!open && this.docsOf(dir).length > 0) toAnalyse.add(dir);
    }
    for (const dir of toAnalyse) void this.runs.analyse(dir, 'files changed');
  }

  /**
   * New settings for the window and (when given) the workspace folders; without `folders` the
   * folder list stays and each folder keeps its own settings. Each open package is re-analysed when
   * its build configuration or trust changed, and each document re-published when its settings did.
   */
  configure(next: HeapscopeSettings, folders?: readonly FolderSettings[]): void {
    const docs = [...this.docs.values()];
    const dirs = new Set(docs.map((d) => path.dirname(d.path)));
    const before = new Map([...dirs].map((dir) => [dir, this.settingsFor(dir)] as const));
    const prevWindow = this.settings;
    // Unchanged settings keep their object: diagnostics are cached per settings object.
    const same = (a: HeapscopeSettings | null | undefined, b: HeapscopeSettings): boolean => !!a && JSON.stringify(a) === JSON.stringify(b);
    this.settings = same(prevWindow, next) ? prevWindow : next;
    const old = new Map(this.folders.map((f) => [f.uri, f.settings] as const));
    this.folders = (folders ?? this.folders).map((f) => {
      if (!f.settings) return f;
      // Trust is window-wide.
      const own = f.settings.trusted === next.trusted ? f.settings : { ...f.settings, trusted: next.trusted };
      const prev = old.get(f.uri);
      return { ...f, settings: same(prev, own) ? prev! : own };
    });
    if (!next.trusted) {
      this.runs.abortAll();
      if (dirs.size > 0) this.status(untrustedStatus());
    }
    let thresholdsChanged = false;
    let hintsChanged = prevWindow.profileHints !== this.settings.profileHints;
    for (const dir of dirs) {
      const prev = before.get(dir)!;
      const now = this.settingsFor(dir);
      if (prev === now) continue;
      thresholdsChanged ||= JSON.stringify(prev.severityThresholds) !== JSON.stringify(now.severityThresholds);
      hintsChanged ||= prev.profileHints !== now.profileHints;
      const rebuild = buildConfigKey(prev) !== buildConfigKey(now) || (now.trusted && !prev.trusted);
      if (!rebuild) continue;
      const st = this.runs.state(dir);
      if (st.dirty || (!st.good && !st.failed)) void this.runs.analyse(dir, 'settings changed');
      else {
        for (const d of this.docsOf(dir)) applyResults(st, d);
        this.sendStatus(st);
      }
    }
    let republished = new Set<OpenDocument>();
    if (this.profiles.requestChanged()) void this.profiles.reload('settings changed');
    else if (thresholdsChanged && this.profiles.loaded) republished = this.rejoinAll();
    if (hintsChanged) this.host.refreshHints();
    for (const d of docs) if (!republished.has(d) && before.get(path.dirname(d.path)) !== this.settingsFor(d.path)) this.publisher.publishNow(d);
  }

  /** heapscope.analyzePackage: analyse the package of a document now, ignoring the cache. */
  async analyzeNow(uri: string): Promise<void> {
    const file = uriPath(uri);
    if (!file) return;
    const dir = file.endsWith('.go') ? path.dirname(file) : file;
    this.runs.state(dir).dirty = true;
    await this.runs.analyse(dir, 'requested');
  }

  // ------------------------------------------------------------------------------------------
  // Allocation profiles

  /** Findings with the loaded profile's costs and severities, plus the package's hot lines without a finding. */
  private withProfile(raw: Finding[], dir: string): Finding[] {
    return this.profiles.join(raw, dir, this.settingsFor(dir).severityThresholds);
  }

  /** Re-joins every package's results with the current profile and re-publishes open documents; returns those it published. */
  private rejoinAll(): Set<OpenDocument> {
    const published = new Set<OpenDocument>();
    for (const { st, before } of this.runs.rejoin((raw, dir) => this.withProfile(raw, dir))) {
      for (const d of this.docsOf(st.dir)) {
        published.add(d);
        // Unchanged text: only costs and severities moved, so the tracked ranges are kept.
        if (st.failed || !st.good || !swapFindings(d, before, st.good)) applyResults(st, d);
        this.publisher.publishNow(d);
      }
    }
    this.host.refreshHints();
    const profile = this.profiles.loaded;
    const message = profile ? `Profile: ${profile.status.text}` : 'No allocation profile in use';
    this.status(this.lastStatus ? { ...this.lastStatus, profile: undefined } : { state: 'idle', heapAllocations: 0, message });
    return published;
  }

  /** heapscope.loadProfile: use these profile files (paths or file URIs, relative to the workspace folder) instead of the setting. */
  loadProfileCommand(files: string[]): Promise<void> {
    return this.profiles.loadCommand(files.map((f) => path.resolve(this.workspaceRoot ?? process.cwd(), f.startsWith('file:') ? (uriPath(f) ?? f) : f)));
  }

  /** heapscope.clearProfile: stop using profiles until the setting changes or one is loaded. */
  clearProfileCommand(): Promise<void> {
    return this.profiles.clearCommand();
  }

  // ------------------------------------------------------------------------------------------
  // Features: each finds the document and calls into its feature module.

  /** textDocument/hover: every shown finding under the cursor. */
  hover(uri: string, pos: Position): Hover | null {
    const doc = this.docs.get(uri);
    if (!doc) return null;
    return findingsHover(doc, pos, this.publisher.shown(doc, pos.line), this.profiles.cost(), this.publisher.relatedPosition(doc));
  }

  private readonly keyOf = (f: Finding): string => this.publisher.keyOf(f);
  private readonly textOf = textOfDocuments(() => this.docs.values());

  /** textDocument/codeAction: quick fixes of the diagnostics in the context, and fix-all. */
  async codeActions(p: CodeActionParams): Promise<CodeAction[]> {
    const doc = this.docs.get(p.textDocument.uri);
    if (!doc) return [];
    const actions = documentCodeActions(doc, p.context, this.publisher.shown(doc), this.keyOf, (m) => this.host.log('info', m));
    if (this.resolveSupport) return actions;
    const resolved = await Promise.all(actions.map((a) => this.resolveAction(a)));
    return resolved.filter((a) => a.edit !== undefined);
  }

  /** codeAction/resolve: computes the action's workspace edit from the fixes live now. */
  resolveAction(a: CodeAction): Promise<CodeAction> {
    const uri = (a.data as { uri?: unknown } | undefined)?.uri;
    const file = (typeof uri === 'string' ? uriPath(uri) : null) ?? '';
    // The gofmt of the go the folder's settings name, as `heapscope fix --go` would use.
    const gofmt = gofmtBeside(this.settingsFor(file).goPath || undefined);
    return resolveCodeAction(
      a,
      (uri) => liveFixes(this.docs.get(uri), this.keyOf),
      this.textOf,
      (text) => isGofmtClean(text, gofmt),
    );
  }

  /** heapscope/compilerOutput: the raw output of the package of a document. */
  compilerOutput(uri: string): CompilerOutputResult {
    const file = uriPath(uri);
    const dir = file ? (file.endsWith('.go') ? path.dirname(file) : file) : '';
    return compilerOutput(this.runs.state(dir));
  }

  /** heapscope/compiledCode: the compiled code of the function at a position of a Go file. */
  compiledCode(uri: string, position: Position, signal: AbortSignal): Promise<CompiledCodeResult> {
    const file = uriPath(uri);
    if (!file) return Promise.resolve({ function: '', packagePath: '', text: '', links: [], allocatorCalls: 0, message: 'Not a file on disk.' });
    return compiledCodeAt({ file, doc: this.docs.get(uri), position, st: this.runs.state(path.dirname(file)), settings: this.settingsFor(file), signal });
  }

  /** heapscope/topAllocationSites: the profile's allocating lines by share. */
  topAllocationSites(limit = 50): TopAllocationSitesResult {
    return this.profiles.topAllocationSites(limit);
  }

  /** textDocument/inlayHint: the cost at the end of each hot line in the range (setting profileHints = 'inlay'). */
  inlayHints(uri: string, range: Range): InlayHint[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    return profileInlayHints(doc, range, this.settingsFor(doc.path).profileHints, this.profiles.loaded?.mapped.sampleType ?? null);
  }

  /** textDocument/codeLens: the cost above each hot line (setting profileHints = 'codeLens'). */
  codeLenses(uri: string): CodeLens[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    return profileCodeLenses(doc, this.settingsFor(doc.path).profileHints, this.profiles.loaded?.mapped.sampleType ?? null);
  }

  /** Cancels every compiler run and waits until their processes are gone. */
  async dispose(): Promise<void> {
    this.publisher.dispose();
    this.profiles.dispose();
    await this.runs.dispose();
  }
}
