// The language server's state: settings, open documents and per-package results. Handlers in
// server.ts call these methods; everything that talks to the editor goes through SessionHost, so
// this module never touches the connection itself.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, CodeActionParams, CodeLens, Diagnostic, Hover, InlayHint, Position, Range, TextDocumentContentChangeEvent, WorkspaceEdit } from 'vscode-languageserver';
import { SourceCache } from '../engine/analyze';
import { CompilerRunCancelled } from '../engine/goRunner';
import { severityRank } from '../engine/kinds';
import { findModule, NotInModuleError } from '../engine/module';
import { LineIndex } from '../engine/positions';
import { isKindShown, presentFinding, type PresentOptions } from '../engine/present';
import { GoNotFoundError } from '../engine/processes';
import type { GoSourceFile } from '../engine/syntax';
import type { ByteRange, Finding, FindingFix } from '../engine/types';
import { GO, PipelineCancelled, runPipeline, joinProfile, type PipelineDeps, type PipelineResult } from '../pipeline/index';
import { profileWarnings, ProfileError, type MappedLine, type MappedProfile } from '../profile';
import { loadMappedProfileInWorker, profileWorkerScript } from '../profile/load';
import { fixAllAction, quickFixActions, resolveActionEdit, type LinesOf } from './codeActions';
import { bytePosition, findingDiagnostic, isHeapAllocation, type RelatedPosition } from './diagnostics';
import { LIVE_TRACKING_LIMIT, OpenDocument, type TrackedFinding } from './documents';
import { hoverMarkdown } from './hover';
import { CACHED_JSON, diagnosticTail, type CachedDiagnostic } from './wire';
import { owningFolder, profileSource, type FolderSettings } from './folders';
import { costMarkdown, hintLabel, linesByPosition, MIN_HINT_SHARE, moduleGoFiles, profileStatus, resolveProfilePaths, topSites } from './profiles';
import {
  Commands,
  DEFAULT_SETTINGS,
  FIX_ALL_KIND,
  type CodeActionData,
  type CompilerOutputResult,
  type HeapscopeSettings,
  type ProfileStatus,
  type StatusParams,
  type TopAllocationSitesResult,
} from '../protocol';

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

/** A loaded allocation profile, mapped onto the workspace module. */
interface LoadedProfileState {
  files: string[];
  mapped: MappedProfile;
  byLine: Map<string, MappedLine>;
  status: ProfileStatus;
}

/** One compile's results for a package, located in the texts the compiler saw. */
interface PackageResults {
  packagePath: string;
  workingDir: string;
  output: string;
  /** The files of the packages compiled (absolute): where printed paths replayed from the build cache resolve. */
  files: string[];
  findings: Finding[];
  /** The findings before the profile was joined (compiler and fix findings). */
  raw: Finding[];
  /** The text the compiler saw for each file with findings. */
  texts: Map<string, string>;
  /** Those texts parsed, kept only until the results are first shown (trees are large). */
  parsed: Map<string, GoSourceFile> | null;
}

/** Per package directory and build configuration. */
interface PackageState {
  dir: string;
  /** Last compile without errors. */
  good: PackageResults | null;
  /** The last compile, when it failed: its compile errors. */
  failed: PackageResults | null;
  /** A file of the package (or go.mod/go.work) changed since the last compile. */
  dirty: boolean;
  run: AbortController | null;
  running: Promise<void> | null;
  runId: number;
  typingTimer: NodeJS.Timeout | null;
}

/** At most this many diagnostics per document (a generated 1 MB file can have tens of thousands). */
export const MAX_DIAGNOSTICS_PER_FILE = 2500;

/** The build configuration part of the settings: results are cached per package and this key. */
export function buildConfigKey(s: HeapscopeSettings): string {
  // allowUpperBound changes which fixes an analysis finds, so it needs a new analysis too.
  return JSON.stringify([s.gcflags, s.buildTags, s.goPath, s.env, s.allowUpperBound]);
}

/** The absolute path of a file URI, or null for other schemes. */
export function uriPath(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

function contains(r: ByteRange, line: number, column: number): boolean {
  const afterStart = line > r.line || (line === r.line && column >= r.column);
  const beforeEnd = line < r.endLine || (line === r.endLine && column <= r.endColumn);
  return afterStart && beforeEnd;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Settings, documents and package results of one language server. */
export class Session {
  /** The window's settings: trust, and everything for files in no folder with settings of its own. */
  settings: HeapscopeSettings = DEFAULT_SETTINGS;
  /** The workspace folders with their own settings (set through configure). */
  folders: FolderSettings[] = [];
  readonly docs = new Map<string, OpenDocument>();
  private readonly packages = new Map<string, PackageState>();
  private readonly reportedNoModule = new Set<string>();
  private disposed = false;
  /** Every run not yet settled, superseded ones included: their processes may still be stopping. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Whether code actions may omit the edit and have it resolved later. */
  resolveSupport = false;
  /**
   * Set when the connection writes with wire.ts's fastJsonEncoder: published diagnostics then
   * carry only their range and cached JSON tail (the encoder reads nothing else).
   */
  compactDiagnostics = false;
  /** The workspace folder: profile paths are relative to it, and its module is what profiles map onto. */
  workspaceRoot: string | null = null;
  /** The worker script that decodes profiles (dist/profile-worker.js when bundled). */
  profileWorker = profileWorkerScript();
  private profile: LoadedProfileState | null = null;
  /** Files given by "Load Allocation Profile…" (used instead of the setting); [] after "Clear Profile". */
  private commandProfiles: string[] | null = null;
  /** What the last load was asked for (files and sample type), to reload only on change. */
  private profileKey = '';
  private profileGeneration = 0;
  private profileWatchers: FSWatcher[] = [];
  private profileReloadTimer: NodeJS.Timeout | null = null;
  private readonly shownMessages = new Set<string>();
  private lastStatus: StatusParams | null = null;
  /** Settles when the profile load in progress (if any) has been applied or rejected. */
  profileLoading: Promise<void> = Promise.resolve();

  /**
   * @param host what the session needs from the editor connection
   * @param pipelineDeps the compiler the pipeline runs; tests pass recorded runs
   */
  constructor(
    private readonly host: SessionHost,
    private readonly pipelineDeps: PipelineDeps = GO,
  ) {}

  /** The settings for a file or package directory: its innermost workspace folder's, else the window's. */
  settingsFor(file: string): HeapscopeSettings {
    return owningFolder(this.folders, file)?.settings ?? this.settings;
  }

  private presentOptions(doc: OpenDocument): PresentOptions {
    return { kinds: this.settingsFor(doc.path).kinds };
  }

  /** Sends a status, with the loaded profile attached, and remembers it for re-sending. */
  private status(p: StatusParams): void {
    const withProfile = this.profile ? { ...p, profile: this.profile.status } : p;
    this.lastStatus = withProfile;
    this.host.status(withProfile);
  }

  /** A package's key under the current settings: results of other build configurations stay cached under theirs. */
  private packageKey(dir: string): string {
    return `${dir}\0${buildConfigKey(this.settingsFor(dir))}`;
  }

  private pkg(dir: string): PackageState {
    const key = this.packageKey(dir);
    let st = this.packages.get(key);
    if (!st) {
      st = { dir, good: null, failed: null, dirty: false, run: null, running: null, runId: 0, typingTimer: null };
      this.packages.set(key, st);
    }
    return st;
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
    const st = this.pkg(path.dirname(file));
    if ((st.good || st.failed) && !st.dirty) {
      this.applyResults(st, doc);
      this.publish(doc);
      this.sendStatus(st);
      return;
    }
    if (!st.running) void this.analyse(path.dirname(file), 'open');
  }

  /** didChange: moves every finding with its syntax node and re-publishes synchronously. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.applyChanges(changes, version);
    this.publish(doc);
    if (this.settingsFor(doc.path).analyzeOn === 'typing') this.scheduleTypingCompile(doc);
  }

  /** didSave: the package changed on disk; analyse it again. */
  save(uri: string): void {
    const doc = this.docs.get(uri);
    const file = doc?.path ?? uriPath(uri);
    if (!file) return;
    if (doc) doc.dirty = false;
    const st = this.pkg(path.dirname(file));
    st.dirty = true;
    void this.analyse(st.dir, 'save');
  }

  /** didClose: forget the document and clear its diagnostics. */
  close(uri: string): void {
    const doc = this.docs.get(uri);
    this.docs.delete(uri);
    this.host.publish(uri, []);
    if (doc && this.docsOf(path.dirname(doc.path)).length === 0) {
      const st = this.pkg(path.dirname(doc.path));
      if (st.typingTimer) clearTimeout(st.typingTimer);
      st.typingTimer = null;
    }
  }

  /** didChangeWatchedFiles: marks packages dirty; re-analyses those with open files. */
  filesChanged(uris: readonly string[]): void {
    const toAnalyse = new Set<string>();
    for (const uri of uris) {
      const file = uriPath(uri);
      if (!file) continue;
      const base = path.basename(file);
      if (base === 'go.mod' || base === 'go.work' || base === 'go.sum') {
        for (const st of this.packages.values()) st.dirty = true;
        for (const d of this.docs.values()) toAnalyse.add(path.dirname(d.path));
        continue;
      }
      if (!file.endsWith('.go')) continue;
      const dir = path.dirname(file);
      const st = this.pkg(dir);
      st.dirty = true;
      // A save of an open document is handled by didSave; this is for changes made outside the editor.
      const open = [...this.docs.values()].some((d) => d.path === file);
      if (!open && this.docsOf(dir).length > 0) toAnalyse.add(dir);
    }
    for (const dir of toAnalyse) void this.analyse(dir, 'files changed');
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
      for (const st of this.packages.values()) st.run?.abort();
      if (dirs.size > 0) this.status({ state: 'untrusted', heapAllocations: 0, message: 'Workspace is not trusted: Heapscope does not run go.' });
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
      const st = this.pkg(dir);
      if (st.dirty || (!st.good && !st.failed)) void this.analyse(dir, 'settings changed');
      else {
        for (const d of this.docsOf(dir)) this.applyResults(st, d);
        this.sendStatus(st);
      }
    }
    let republished = new Set<OpenDocument>();
    if (this.profileRequestKey() !== this.profileKey) void this.reloadProfile('settings changed');
    else if (thresholdsChanged && this.profile) republished = this.rejoinAll();
    if (hintsChanged) this.host.refreshHints();
    for (const d of docs) if (!republished.has(d) && before.get(path.dirname(d.path)) !== this.settingsFor(d.path)) this.publish(d);
  }

  private scheduleTypingCompile(doc: OpenDocument): void {
    const st = this.pkg(path.dirname(doc.path));
    if (st.typingTimer) clearTimeout(st.typingTimer);
    st.typingTimer = setTimeout(() => {
      st.typingTimer = null;
      // Half-typed code would only produce compile errors: wait for text that parses.
      if (this.docsOf(st.dir).some((d) => d.file?.tree.rootNode.hasError)) return;
      void this.analyse(st.dir, 'typing');
    }, this.settingsFor(st.dir).typingDelayMs);
  }

  // ------------------------------------------------------------------------------------------
  // Analysis

  /** Compiles one package (cancelling its previous run) and publishes the results. */
  async analyse(dir: string, reason: string): Promise<void> {
    if (this.disposed) return;
    const st = this.pkg(dir);
    if (!this.settings.trusted) {
      this.status({ state: 'untrusted', heapAllocations: 0, message: 'Workspace is not trusted: Heapscope does not run go.' });
      return;
    }
    st.run?.abort();
    const ac = new AbortController();
    st.run = ac;
    const id = ++st.runId;
    const running = this.runPackage(st, ac, id, reason).catch((e: unknown) => {
      this.host.log('error', `analysis of ${dir} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    });
    st.running = running;
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    await running;
    if (st.runId === id) {
      st.running = null;
      st.run = null;
    }
  }

  private async runPackage(st: PackageState, ac: AbortController, id: number, reason: string): Promise<void> {
    const s = this.settingsFor(st.dir);
    // The compiler sees the editor's text: unsaved buffers go through -overlay.
    const snapshots = new Map<string, string>();
    const overlay = new Map<string, string>();
    for (const d of this.docsOf(st.dir)) {
      snapshots.set(d.path, d.text);
      if (d.dirty && readText(d.path) !== d.text) overlay.set(d.path, d.text);
    }
    this.status({ state: 'analysing', heapAllocations: this.heapCount(st), message: `Analysing ${st.dir} (${reason})`, package: st.good?.packagePath, dir: st.dir });
    const progress = await this.host.progress('Heapscope', `analysing ${path.basename(st.dir)}`);
    const superseded = (): boolean => st.runId !== id || this.disposed;
    const sources = new SourceCache(snapshots);
    let result: PipelineResult;
    try {
      result = await runPipeline(
        {
          compile: {
            cwd: st.dir,
            patterns: ['.'],
            gcflags: ['-m=2', ...s.gcflags],
            tags: s.buildTags,
            goBinary: s.goPath || undefined,
            env: s.env,
            overlay,
            signal: ac.signal,
          },
          sources,
          cooperative: true,
          // Files over 1 MB (generated tables, bundles) are not searched for fixes: the search is one
          // uninterruptible pass per file and would stall hovers and edits for hundreds of ms.
          fixes: { allowUpperBound: s.allowUpperBound, maxFileChars: LIVE_TRACKING_LIMIT },
          scope: { dir: st.dir },
          isCancelled: superseded,
        },
        this.pipelineDeps,
      );
    } catch (e) {
      if (e instanceof PipelineCancelled || e instanceof CompilerRunCancelled || ac.signal.aborted) return;
      if (e instanceof NotInModuleError) {
        if (!this.reportedNoModule.has(st.dir)) {
          this.reportedNoModule.add(st.dir);
          this.host.log('warn', `${st.dir} is not inside a Go module (no go.mod or go.work above it): not analysed.`);
        }
        this.status({ state: 'notInModule', heapAllocations: 0, message: e.message, dir: st.dir });
        return;
      }
      if (e instanceof GoNotFoundError) {
        this.host.log('error', e.message);
        this.status({ state: 'noGo', heapAllocations: 0, message: `Go not found: tried "${e.goBinary}"` });
        return;
      }
      const msg = e instanceof Error ? e.message : String(e);
      this.host.log('error', msg);
      this.status({ state: 'compileError', heapAllocations: 0, message: msg.split('\n')[0] ?? msg, dir: st.dir });
      return;
    } finally {
      progress.done();
    }
    if (superseded()) return;
    const { run, analysis, raw: findings } = result;
    const texts = new Map<string, string>();
    const parsed = new Map<string, GoSourceFile>();
    for (const f of findings) {
      if (texts.has(f.file)) continue;
      const source = sources.get(f.file);
      if (source) parsed.set(f.file, source);
      texts.set(f.file, source?.text ?? snapshots.get(f.file) ?? readText(f.file) ?? '');
    }
    const pkgPath = run.packages.find((p) => p.dir === st.dir && !p.forTest)?.importPath ?? run.packages[0]?.importPath ?? st.dir;
    // The profile join runs here, not inside the pipeline: the profile in use can change while the
    // package compiles, and a profile change re-joins every package's results without a compile.
    const files = [...new Set(run.packages.flatMap((p) => p.files))];
    const results: PackageResults = { packagePath: pkgPath, workingDir: run.workingDir, output: run.output, files, findings: this.withProfile(findings, st.dir), raw: findings, texts, parsed };
    const failed = findings.some((f) => f.kind === 'build') || run.packages.some((p) => p.error !== null);
    if (failed) {
      st.failed = results;
      for (const p of analysis.problems) this.host.log('warn', `${p.importPath}: ${p.message}`);
    } else {
      st.good = results;
      st.failed = null;
    }
    st.dirty = false;
    this.host.log('info', `${pkgPath}: ${findings.length} findings in ${run.durationMs} ms (${run.goVersion}${failed ? ', does not compile' : ''})`);
    for (const d of this.docsOf(st.dir)) {
      this.applyResults(st, d);
      this.publish(d);
    }
    results.parsed = null;
    this.sendStatus(st);
  }

  /** Puts a package's results on one open document (stale good results plus errors after a failed compile). */
  private applyResults(st: PackageState, doc: OpenDocument): void {
    const forFile = (r: PackageResults | null): Finding[] => (r ? r.findings.filter((f) => f.file === doc.path) : []);
    const compiled = (r: PackageResults): string | GoSourceFile => r.parsed?.get(doc.path) ?? r.texts.get(doc.path) ?? doc.text;
    if (!st.failed) {
      doc.setFindings(forFile(st.good), st.good ? compiled(st.good) : doc.text);
      return;
    }
    if (doc.tracked.length === 0 && st.good) doc.setFindings(forFile(st.good), compiled(st.good));
    const keep = doc.tracked.filter((t) => t.finding.kind !== 'build').map((t) => t.finding);
    doc.setFindings(
      forFile(st.failed).filter((f) => f.kind === 'build'),
      compiled(st.failed),
      keep,
    );
  }

  private heapCount(st: PackageState): number {
    return st.good ? st.good.findings.filter(isHeapAllocation).length : 0;
  }

  private sendStatus(st: PackageState): void {
    const n = this.heapCount(st);
    const pkg = (st.failed ?? st.good)?.packagePath;
    if (st.failed) {
      const first = st.failed.findings.find((f) => f.kind === 'build');
      const state = st.good ? 'stale' : 'compileError';
      this.status({ state, heapAllocations: n, message: `${pkg} does not compile${first ? `: ${first.message}` : ''}`, package: pkg, dir: st.dir });
    } else {
      this.status({ state: 'ok', heapAllocations: n, message: `${pkg}: ${n} heap allocation${n === 1 ? '' : 's'}`, package: pkg, dir: st.dir });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Features

  private shown(doc: OpenDocument): Array<{ t: TrackedFinding; f: Finding }> {
    const out: Array<{ t: TrackedFinding; f: Finding }> = [];
    const options = this.presentOptions(doc);
    for (const t of doc.tracked) {
      const f = presentFinding(t.finding, options);
      if (f) out.push({ t, f });
    }
    return out;
  }

  /**
   * Converts the compiler positions of explanation steps to LSP positions on the text the compiler
   * saw (byte columns → UTF-16), so a step on a line with `größe` or an emoji lands on its token.
   */
  private relatedPosition(doc: OpenDocument): RelatedPosition {
    const st = this.pkg(path.dirname(doc.path));
    const results = st.good ?? st.failed;
    if (!results) return bytePosition;
    let indexes = this.lineIndexes.get(results);
    if (!indexes) {
      indexes = new Map();
      this.lineIndexes.set(results, indexes);
    }
    const perFile = indexes;
    return (file, line, column) => {
      let lines = perFile.get(file);
      if (!lines) {
        const text = results.texts.get(file);
        if (text === undefined) return bytePosition(file, line, column);
        lines = new LineIndex(text);
        perFile.set(file, lines);
      }
      return lines.byteColumnToUtf16(line, Math.max(1, column));
    };
  }

  /**
   * The tracked findings a document publishes: all of them, unless a huge file (generated code)
   * has more than MAX_DIAGNOSTICS_PER_FILE shown — then the most severe and costly ones, so one
   * publish cannot stall the server for hundreds of milliseconds. Logged once per document.
   */
  private publishable(doc: OpenDocument, settings: HeapscopeSettings): readonly TrackedFinding[] {
    if (doc.tracked.length <= MAX_DIAGNOSTICS_PER_FILE) return doc.tracked;
    const shown = doc.tracked.filter((t) => isKindShown(t.finding.kind, { kinds: settings.kinds }));
    if (shown.length <= MAX_DIAGNOSTICS_PER_FILE) return shown;
    if (!this.cappedDocs.has(doc.path)) {
      this.cappedDocs.add(doc.path);
      this.host.log('info', `${doc.path}: ${shown.length} findings; showing the ${MAX_DIAGNOSTICS_PER_FILE} most severe and costly`);
    }
    const rank = (t: TrackedFinding): number => severityRank(t.finding.severity) * 2 - (t.finding.alloc?.share ?? 0);
    return [...shown].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_DIAGNOSTICS_PER_FILE);
  }

  /** The diagnostics of a document as they should be shown now. */
  diagnostics(doc: OpenDocument): Diagnostic[] {
    // Everything but the range depends only on the finding and the settings: built once, then
    // each re-publish after an edit only places ranges (the 50 ms budget on big files).
    const out: Diagnostic[] = [];
    const settings = this.settingsFor(doc.path);
    let related: RelatedPosition | null = null;
    for (const t of this.publishable(doc, settings)) {
      let c = this.diagnosticCache.get(t.finding);
      if (!c || c.settings !== settings || c.stale !== t.stale || c.fixes !== t.fixes) {
        const f = presentFinding(t.finding, { kinds: settings.kinds });
        const diagnostic: CachedDiagnostic | null = f ? findingDiagnostic(f, ZERO_RANGE, t.stale, (related ??= this.relatedPosition(doc))) : null;
        if (diagnostic) {
          // A short key (the long one names file, position and text) keeps each publish small.
          const data = diagnostic.data as { key: string; fixIds?: string[] };
          data.key = this.keyOf(t.finding);
          // The fixes offered are the ones still live: none after an edit touched their code.
          if (t.fixes && t.fixes.length > 0) data.fixIds = t.fixes.map((x) => x.id);
          else delete data.fixIds;
          // Everything but the range, serialised once for the fast stdio encoder: each publish
          // after an edit only writes ranges. (Over IPC, VS Code's transport, nothing reads it.)
          if (this.compactDiagnostics) diagnostic[CACHED_JSON] = diagnosticTail(diagnostic);
        }
        c = { settings, stale: t.stale, fixes: t.fixes, diagnostic };
        this.diagnosticCache.set(t.finding, c);
      }
      if (!c.diagnostic) continue;
      const range = doc.lines.lspRange(t.range);
      // With the fast encoder only the range and the cached tail are read: skip copying the rest.
      const tail = this.compactDiagnostics ? c.diagnostic[CACHED_JSON] : undefined;
      out.push(tail ? ({ range, [CACHED_JSON]: tail } as CachedDiagnostic) : { ...c.diagnostic, range });
    }
    return out;
  }

  private readonly shortKeys = new WeakMap<Finding, string>();
  private nextKey = 1;

  /** A short key naming a finding in diagnostics' data and code actions: its kind and a number. */
  private keyOf(f: Finding): string {
    let k = this.shortKeys.get(f);
    if (k === undefined) {
      k = `${f.kind}#${(this.nextKey++).toString(36)}`;
      this.shortKeys.set(f, k);
    }
    return k;
  }

  /** Documents whose diagnostics were capped (logged once). */
  private readonly cappedDocs = new Set<string>();
  /** Line indexes of the compiled texts, per analysis result, for explanation-step positions. */
  private readonly lineIndexes = new WeakMap<PackageResults, Map<string, LineIndex>>();
  private readonly diagnosticCache = new WeakMap<Finding, { settings: HeapscopeSettings; stale: boolean; fixes: readonly FindingFix[] | null; diagnostic: CachedDiagnostic | null }>();

  private publish(doc: OpenDocument): void {
    this.host.publish(doc.uri, this.diagnostics(doc));
  }

  /** textDocument/hover: every shown finding under the cursor. */
  hover(uri: string, pos: Position): Hover | null {
    const doc = this.docs.get(uri);
    if (!doc) return null;
    const at = doc.lines.utf16ToByteColumn(pos.line, pos.character);
    const hits = this.shown(doc).filter(({ t }) => contains(t.range, at.line, at.column));
    if (hits.length === 0) return null;
    hits.sort((a, b) => span(a.t.range) - span(b.t.range));
    const profile = this.profile;
    const cost = profile
      ? (f: Finding): string | null =>
          f.alloc && (f.alloc.bytes > 0 || f.alloc.objects > 0)
            ? costMarkdown(f.alloc, profile.mapped.sampleType, profile.byLine.get(`${f.file}:${f.line}`)?.paths ?? [])
            : null
      : undefined;
    return { contents: { kind: 'markdown', value: hoverMarkdown(hits.map((h) => h.f), cost, this.relatedPosition(doc)) }, range: doc.lines.lspRange(hits[0]!.t.range) };
  }

  private linesOf: LinesOf = (file) => {
    for (const d of this.docs.values()) if (d.path === file) return d.lines;
    const text = readText(file);
    return text === null ? null : new LineIndex(text);
  };

  /** The live fixes of a document's findings by finding key. */
  private fixesByKey(uri: string): Map<string, FindingFix[]> {
    const out = new Map<string, FindingFix[]>();
    for (const t of this.docs.get(uri)?.tracked ?? []) if (t.fixes && t.fixes.length > 0 && !t.stale) out.set(this.keyOf(t.finding), t.fixes);
    return out;
  }

  /** textDocument/codeAction: quick fixes of the diagnostics in the context, and fix-all. */
  codeActions(p: CodeActionParams): CodeAction[] {
    const doc = this.docs.get(p.textDocument.uri);
    if (!doc) return [];
    // Fixes are tracked through edits; one whose code was edited since the compile is no longer live.
    const live = this.fixesByKey(doc.uri);
    const wants = (kind: string): boolean => !p.context.only || p.context.only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    if (wants('quickfix')) {
      const items: Array<{ key: string; fixes: FindingFix[]; diagnostic: Diagnostic }> = [];
      for (const diagnostic of p.context.diagnostics) {
        const key = (diagnostic.data as { key?: unknown } | undefined)?.key;
        const fixes = typeof key === 'string' ? live.get(key) : undefined;
        if (typeof key === 'string' && fixes) items.push({ key, fixes, diagnostic });
      }
      actions.push(...quickFixActions(doc.uri, items));
    }
    if (wants(FIX_ALL_KIND)) {
      const keys = this.shown(doc).map(({ t }) => this.keyOf(t.finding)).filter((k) => live.has(k));
      const all = fixAllAction(doc.uri, keys);
      if (all) actions.push(all);
    }
    return this.resolveSupport ? actions : actions.map((a) => this.resolveAction(a)).filter((a) => a.edit !== undefined);
  }

  /** codeAction/resolve: computes the action's workspace edit from the fixes live now. */
  resolveAction(a: CodeAction): CodeAction {
    const data = a.data as CodeActionData | undefined;
    if (!data || typeof data.uri !== 'string' || !Array.isArray(data.keys)) return a;
    const live = this.fixesByKey(data.uri);
    const edit: WorkspaceEdit | null = resolveActionEdit(data, (k) => live.get(k), this.linesOf);
    return edit ? { ...a, edit } : a;
  }

  /** heapscope/compilerOutput: the raw output of the package of a document. */
  compilerOutput(uri: string): CompilerOutputResult {
    const file = uriPath(uri);
    const dir = file ? (file.endsWith('.go') ? path.dirname(file) : file) : '';
    const st = this.pkg(dir);
    const r = st.failed ?? st.good;
    if (!r) return { packagePath: dir, packageDir: dir, workingDir: dir, text: '', files: [], message: 'This package has not been analysed yet.' };
    return { packagePath: r.packagePath, packageDir: dir, workingDir: r.workingDir, text: r.output, files: r.files };
  }

  /** heapscope.analyzePackage: analyse the package of a document now, ignoring the cache. */
  async analyzeNow(uri: string): Promise<void> {
    const file = uriPath(uri);
    if (!file) return;
    const dir = file.endsWith('.go') ? path.dirname(file) : file;
    this.pkg(dir).dirty = true;
    await this.analyse(dir, 'requested');
  }

  // ------------------------------------------------------------------------------------------
  // Allocation profiles

  /** Findings with the loaded profile's costs and severities, plus the package's hot lines without a finding. */
  private withProfile(raw: Finding[], dir: string): Finding[] {
    return this.profile ? joinProfile(raw, this.profile.mapped, { thresholds: this.settingsFor(dir).severityThresholds, scopeDir: dir }) : raw;
  }

  /** Re-joins every package's results with the current profile and re-publishes open documents; returns those it published. */
  private rejoinAll(): Set<OpenDocument> {
    const published = new Set<OpenDocument>();
    for (const [key, st] of this.packages) {
      if (!st.good && !st.failed) continue;
      const before = st.good?.findings ?? [];
      for (const r of [st.good, st.failed]) if (r) r.findings = this.withProfile(r.raw, st.dir);
      // Cached results of another build configuration are re-joined for later, but not shown.
      if (key !== this.packageKey(st.dir)) continue;
      for (const d of this.docsOf(st.dir)) {
        published.add(d);
        if (!st.failed && st.good && this.swapFindings(d, before, st.good)) continue;
        this.applyResults(st, d);
        this.publish(d);
      }
    }
    this.host.refreshHints();
    const message = this.profile ? `Profile: ${this.profile.status.text}` : 'No allocation profile in use';
    this.status(this.lastStatus ? { ...this.lastStatus, profile: undefined } : { state: 'idle', heapAllocations: 0, message });
    return published;
  }

  /**
   * Puts re-joined findings on a document without re-anchoring (which re-parses the compiled
   * text): ranges are unchanged, only costs and severities differ. New hot lines (alloc.site) are
   * placed by offsets. Returns false when the document changed since the compile (caller re-applies).
   */
  private swapFindings(doc: OpenDocument, before: readonly Finding[], now: PackageResults): boolean {
    if (doc.editedSinceResults || now.texts.get(doc.path) !== undefined && now.texts.get(doc.path) !== doc.text) return false;
    const index = new Map(before.map((f, i) => [f, i] as const));
    const tracked: TrackedFinding[] = [];
    for (const t of doc.tracked) {
      const i = index.get(t.finding);
      if (i === undefined) tracked.push(t);
      else if (i < now.raw.length) tracked.push({ ...t, finding: now.findings[i]! });
    }
    for (let i = now.raw.length; i < now.findings.length; i++) {
      const f = now.findings[i]!;
      if (f.file !== doc.path) continue;
      tracked.push({ finding: f, range: { line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn }, nodeType: null, stale: false, fixes: null });
    }
    doc.tracked = tracked;
    this.publish(doc);
    return true;
  }

  /** Where the profile settings come from (profiles are window-wide; see folders.ts profileSource). */
  private get profileSource(): { settings: HeapscopeSettings; root: string | null } {
    return profileSource(this.settings, this.folders, this.workspaceRoot);
  }

  private profileFiles(): string[] {
    const src = this.profileSource;
    return this.commandProfiles ?? resolveProfilePaths(src.settings.profiles, src.root);
  }

  private profileRequestKey(): string {
    const { settings } = this.profileSource;
    return JSON.stringify([this.profileFiles(), settings.profileSampleType, settings.maxProfileSizeMb]);
  }

  /** heapscope.loadProfile: use these profile files instead of the setting. */
  async loadProfileCommand(files: string[]): Promise<void> {
    this.commandProfiles = files.map((f) => path.resolve(this.workspaceRoot ?? process.cwd(), f.startsWith('file:') ? (uriPath(f) ?? f) : f));
    await this.reloadProfile('loaded by command');
  }

  /** heapscope.clearProfile: stop using profiles until the setting changes or one is loaded. */
  async clearProfileCommand(): Promise<void> {
    this.commandProfiles = [];
    await this.reloadProfile('cleared');
  }

  /** Tells the user about a profile that cannot be used: log, status, and one message per text; what was loaded stays. */
  private profileProblem(message: string): void {
    this.host.log('warn', `profile: ${message}`);
    if (!this.shownMessages.has(message)) {
      this.shownMessages.add(message);
      this.host.showMessage('warn', `Heapscope: ${message}. The previous results stay in use.`);
    }
    const last = this.lastStatus ?? { state: 'idle' as const, heapAllocations: 0, message: '' };
    this.status({ ...last, message: `Profile not used: ${message}` });
  }

  /** Loads (or clears) the profiles named now, in a worker thread; on failure keeps what was loaded. */
  reloadProfile(reason: string): Promise<void> {
    const run = this.reloadProfileNow(reason).catch((e: unknown) => this.profileProblem(e instanceof Error ? e.message : String(e)));
    this.profileLoading = run;
    return run;
  }

  private async reloadProfileNow(reason: string): Promise<void> {
    const files = this.profileFiles();
    const src = this.profileSource;
    const sampleType = src.settings.profileSampleType;
    this.profileKey = this.profileRequestKey();
    const gen = ++this.profileGeneration;
    this.watchProfiles();
    if (files.length === 0) {
      if (this.profile) {
        this.profile = null;
        this.host.log('info', `profile: none in use (${reason})`);
        this.rejoinAll();
      }
      return;
    }
    // Command-loaded profiles map onto the first folder's module, configured ones onto their folder's.
    const root = (this.commandProfiles ? this.workspaceRoot : src.root) ?? path.dirname(files[0]!);
    const mod = await findModule(root, { ...process.env, ...src.settings.env });
    if (!mod) throw new Error(`the workspace ${root} is not inside a Go module, so profiles cannot be placed on its files`);
    const module = { root: mod.root, modulePath: mod.modulePath, files: moduleGoFiles(mod.root) };
    const t0 = Date.now();
    let loaded;
    try {
      loaded = await loadMappedProfileInWorker(files, { sampleType, maxBytes: src.settings.maxProfileSizeMb * 1024 * 1024 }, module, this.profileWorker);
    } catch (e) {
      if (gen !== this.profileGeneration || this.disposed) return;
      throw e instanceof ProfileError ? new Error(e.message) : e;
    }
    if (gen !== this.profileGeneration || this.disposed) return;
    const mapped = loaded.mapped;
    const warnings = profileWarnings(mapped, mod.modulePath || mod.root);
    if (mapped.total.bytes > 0 && mapped.mapped.bytes === 0 && mapped.mapped.objects === 0) {
      throw new Error(warnings[0] ?? `none of ${files.join(', ')} maps onto this module (0% mapped)`);
    }
    for (const w of warnings) this.host.log('warn', `profile: ${w}`);
    this.profile = { files, mapped, byLine: linesByPosition(mapped), status: profileStatus(files, mapped) };
    this.host.log('info', `profile: ${this.profile.status.text}; loaded in ${Date.now() - t0} ms (${reason})`);
    this.rejoinAll();
  }

  /** Watches the directories of the profile files and patterns; a change reloads (debounced, as go test writes in steps). */
  private watchProfiles(): void {
    for (const w of this.profileWatchers) w.close();
    this.profileWatchers = [];
    if (this.disposed) return;
    const src = this.profileSource;
    const named = this.commandProfiles ?? src.settings.profiles.map((p) => path.resolve(src.root ?? process.cwd(), p));
    const dirs = new Set(named.map((p) => path.dirname(p)));
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name && !named.some((p) => path.dirname(p) === dir && (path.basename(p) === String(name) || /[*?]/.test(path.basename(p))))) return;
          if (this.profileReloadTimer) clearTimeout(this.profileReloadTimer);
          this.profileReloadTimer = setTimeout(() => {
            this.profileReloadTimer = null;
            void this.reloadProfile('profile file changed');
          }, 300);
        });
        w.on('error', () => w.close());
        this.profileWatchers.push(w);
      } catch {
        // A directory that does not exist yet: the setting will name it again when it does.
      }
    }
  }

  /** heapscope/topAllocationSites: the profile's allocating lines by share. */
  topAllocationSites(limit = 50): TopAllocationSitesResult {
    if (!this.profile) return { sites: [], message: 'No allocation profile is loaded.' };
    return { sites: topSites(this.profile.mapped, limit), sampleType: this.profile.mapped.sampleType };
  }

  /** The hot lines of a document now: one per line, the finding with the largest share. */
  private hotLines(uri: string): Array<{ line0: number; label: string; share: number }> {
    const doc = this.docs.get(uri);
    if (!doc || !this.profile) return [];
    const best = new Map<number, Finding>();
    for (const t of doc.tracked) {
      const a = t.finding.alloc;
      if (!a || a.share < MIN_HINT_SHARE) continue;
      const line0 = t.range.line - 1;
      const cur = best.get(line0);
      if (!cur || (cur.alloc?.share ?? 0) < a.share) best.set(line0, t.finding);
    }
    const st = this.profile.mapped.sampleType;
    return [...best.entries()].sort((a, b) => a[0] - b[0]).map(([line0, f]) => ({ line0, label: hintLabel(f.alloc!, st), share: f.alloc!.share }));
  }

  /** textDocument/inlayHint: the cost at the end of each hot line in the range (setting profileHints = 'inlay'). */
  inlayHints(uri: string, range: Range): InlayHint[] {
    const doc = this.docs.get(uri);
    if (!doc || this.settingsFor(doc.path).profileHints !== 'inlay') return [];
    return this.hotLines(uri)
      .filter((h) => h.line0 >= range.start.line && h.line0 <= range.end.line)
      .map((h) => ({ position: { line: h.line0, character: doc.lines.lineText(h.line0).replace(/\r$/, '').length }, label: h.label, paddingLeft: true }));
  }

  /** textDocument/codeLens: the cost above each hot line (setting profileHints = 'codeLens'). */
  codeLenses(uri: string): CodeLens[] {
    const doc = this.docs.get(uri);
    if (!doc || this.settingsFor(doc.path).profileHints !== 'codeLens') return [];
    return this.hotLines(uri).map((h) => ({
      range: { start: { line: h.line0, character: 0 }, end: { line: h.line0, character: 0 } },
      command: { title: `$(flame) ${h.label}`, command: Commands.topAllocationSites },
    }));
  }

  /** Cancels every compiler run and waits until their processes are gone. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const w of this.profileWatchers) w.close();
    if (this.profileReloadTimer) clearTimeout(this.profileReloadTimer);
    for (const st of this.packages.values()) {
      if (st.typingTimer) clearTimeout(st.typingTimer);
      st.run?.abort();
    }
    await Promise.allSettled([...this.inFlight]);
  }
}

const ZERO_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function span(r: ByteRange): number {
  return (r.endLine - r.line) * 10000 + (r.endColumn - r.column);
}
