// The language server's state: settings, open documents and per-package results. Handlers in
// server.ts call these methods; everything that talks to the editor goes through SessionHost, so
// this module never touches the connection itself.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, CodeActionParams, Diagnostic, Hover, Position, TextDocumentContentChangeEvent, WorkspaceEdit } from 'vscode-languageserver';
import { analyzeRun, SourceCache } from '../engine/analyze';
import { CompilerRunCancelled, findModule, GoNotFoundError, NotInModuleError, runCompiler } from '../engine/goRunner';
import { LineIndex } from '../engine/positions';
import { isKindShown, presentFindings, type PresentOptions } from '../engine/present';
import type { ByteRange, Finding } from '../engine/types';
import { fixAllAction, quickFixActions, resolveActionEdit, type LinesOf } from './codeActions';
import { findingDiagnostic, findingKey, isHeapAllocation, lspRange } from './diagnostics';
import { OpenDocument, type TrackedFinding } from './documents';
import { hoverMarkdown } from './hover';
import { DEFAULT_SETTINGS, FIX_ALL_KIND, type CodeActionData, type CompilerOutputResult, type HeapscopeSettings, type StatusParams } from './protocol';

/** What the session needs from the editor connection. */
export interface SessionHost {
  publish(uri: string, diagnostics: Diagnostic[]): void;
  status(p: StatusParams): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Starts a progress indicator; `done` ends it. */
  progress(title: string, message: string): Promise<{ done(): void }>;
}

/** One compile's results for a package, located in the texts the compiler saw. */
interface PackageResults {
  packagePath: string;
  workingDir: string;
  output: string;
  findings: Finding[];
  /** The text the compiler saw for each file with findings. */
  texts: Map<string, string>;
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

/** The build configuration part of the settings: results are cached per package and this key. */
export function buildConfigKey(s: HeapscopeSettings): string {
  return JSON.stringify([s.gcflags, s.buildTags, s.goPath, s.env]);
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
  settings: HeapscopeSettings = DEFAULT_SETTINGS;
  readonly docs = new Map<string, OpenDocument>();
  private readonly packages = new Map<string, PackageState>();
  private readonly reportedNoModule = new Set<string>();
  private disposed = false;
  /** Every run not yet settled, superseded ones included: their processes may still be stopping. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Whether code actions may omit the edit and have it resolved later. */
  resolveSupport = false;

  constructor(private readonly host: SessionHost) {}

  private get presentOptions(): PresentOptions {
    return { kinds: this.settings.kinds };
  }

  private pkg(dir: string): PackageState {
    const key = `${dir}\0${buildConfigKey(this.settings)}`;
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
    if (this.settings.analyzeOn === 'typing') this.scheduleTypingCompile(doc);
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

  /** New settings: re-analyse when the build configuration or trust changed, else re-publish. */
  configure(next: HeapscopeSettings): void {
    const prev = this.settings;
    this.settings = next;
    const rebuild = buildConfigKey(prev) !== buildConfigKey(next) || (next.trusted && !prev.trusted);
    const dirs = new Set([...this.docs.values()].map((d) => path.dirname(d.path)));
    if (!next.trusted) {
      for (const st of this.packages.values()) st.run?.abort();
      if (dirs.size > 0) this.host.status({ state: 'untrusted', heapAllocations: 0, message: 'Workspace is not trusted: Heapscope does not run go.' });
    }
    for (const dir of dirs) {
      const st = this.pkg(dir);
      if (rebuild && (st.dirty || (!st.good && !st.failed))) void this.analyse(dir, 'settings changed');
      else if (rebuild) {
        for (const d of this.docsOf(dir)) this.applyResults(st, d);
        this.sendStatus(st);
      }
    }
    for (const d of this.docs.values()) this.publish(d);
  }

  private scheduleTypingCompile(doc: OpenDocument): void {
    const st = this.pkg(path.dirname(doc.path));
    if (st.typingTimer) clearTimeout(st.typingTimer);
    st.typingTimer = setTimeout(() => {
      st.typingTimer = null;
      // Half-typed code would only produce compile errors: wait for text that parses.
      if (this.docsOf(st.dir).some((d) => d.file?.tree.rootNode.hasError)) return;
      void this.analyse(st.dir, 'typing');
    }, this.settings.typingDelayMs);
  }

  // ------------------------------------------------------------------------------------------
  // Analysis

  /** Compiles one package (cancelling its previous run) and publishes the results. */
  async analyse(dir: string, reason: string): Promise<void> {
    if (this.disposed) return;
    const st = this.pkg(dir);
    if (!this.settings.trusted) {
      this.host.status({ state: 'untrusted', heapAllocations: 0, message: 'Workspace is not trusted: Heapscope does not run go.' });
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
    const s = this.settings;
    const mod = await findModule(st.dir, { ...process.env, ...s.env });
    if (ac.signal.aborted) return;
    if (mod === null) {
      if (!this.reportedNoModule.has(st.dir)) {
        this.reportedNoModule.add(st.dir);
        this.host.log('warn', `${st.dir} is not inside a Go module (no go.mod or go.work above it): not analysed.`);
      }
      this.host.status({ state: 'notInModule', heapAllocations: 0, message: `${st.dir} is not inside a Go module` });
      return;
    }
    // The compiler sees the editor's text: unsaved buffers go through -overlay.
    const snapshots = new Map<string, string>();
    const overlay = new Map<string, string>();
    for (const d of this.docsOf(st.dir)) {
      snapshots.set(d.path, d.text);
      if (d.dirty && readText(d.path) !== d.text) overlay.set(d.path, d.text);
    }
    this.host.status({ state: 'analysing', heapAllocations: this.heapCount(st), message: `Analysing ${st.dir} (${reason})`, package: st.good?.packagePath });
    const progress = await this.host.progress('Heapscope', `analysing ${path.basename(st.dir)}`);
    let run;
    try {
      run = await runCompiler({
        cwd: st.dir,
        patterns: ['.'],
        gcflags: ['-m=2', ...s.gcflags],
        tags: s.buildTags,
        goBinary: s.goPath || undefined,
        env: s.env,
        overlay,
        signal: ac.signal,
      });
    } catch (e) {
      if (e instanceof CompilerRunCancelled || ac.signal.aborted) return;
      if (e instanceof GoNotFoundError) {
        this.host.log('error', e.message);
        this.host.status({ state: 'noGo', heapAllocations: 0, message: `Go not found: tried "${e.goBinary}"` });
        return;
      }
      if (e instanceof NotInModuleError) {
        this.host.status({ state: 'notInModule', heapAllocations: 0, message: e.message });
        return;
      }
      const msg = e instanceof Error ? e.message : String(e);
      this.host.log('error', msg);
      this.host.status({ state: 'compileError', heapAllocations: 0, message: msg.split('\n')[0] ?? msg });
      return;
    } finally {
      progress.done();
    }
    if (st.runId !== id || this.disposed) return;
    const analysis = analyzeRun(run, new SourceCache(snapshots));
    const seen = new Set<string>();
    const findings = analysis.findings.filter((f) => {
      if (path.dirname(f.file) !== st.dir) return false;
      const k = findingKey(f);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const texts = new Map<string, string>();
    for (const f of findings) {
      if (!texts.has(f.file)) texts.set(f.file, snapshots.get(f.file) ?? readText(f.file) ?? '');
    }
    const pkgPath = run.packages.find((p) => p.dir === st.dir && !p.forTest)?.importPath ?? run.packages[0]?.importPath ?? st.dir;
    const results: PackageResults = { packagePath: pkgPath, workingDir: run.workingDir, output: run.output, findings, texts };
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
    this.sendStatus(st);
  }

  /** Puts a package's results on one open document (stale good results plus errors after a failed compile). */
  private applyResults(st: PackageState, doc: OpenDocument): void {
    const forFile = (r: PackageResults | null): Finding[] => (r ? r.findings.filter((f) => f.file === doc.path) : []);
    if (!st.failed) {
      doc.setFindings(forFile(st.good), st.good?.texts.get(doc.path) ?? doc.text);
      return;
    }
    if (doc.tracked.length === 0 && st.good) doc.setFindings(forFile(st.good), st.good.texts.get(doc.path) ?? doc.text);
    const keep = doc.tracked.filter((t) => t.finding.kind !== 'build').map((t) => t.finding);
    doc.setFindings(
      forFile(st.failed).filter((f) => f.kind === 'build'),
      st.failed.texts.get(doc.path) ?? doc.text,
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
      this.host.status({ state, heapAllocations: n, message: `${pkg} does not compile${first ? `: ${first.message}` : ''}`, package: pkg });
    } else {
      this.host.status({ state: 'ok', heapAllocations: n, message: `${pkg}: ${n} heap allocation${n === 1 ? '' : 's'}`, package: pkg });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Features

  private shown(doc: OpenDocument): Array<{ t: TrackedFinding; f: Finding }> {
    const out: Array<{ t: TrackedFinding; f: Finding }> = [];
    for (const t of doc.tracked) {
      if (t.finding.kind !== 'build' && !isKindShown(t.finding.kind, this.presentOptions)) continue;
      const f = presentFindings([t.finding], { kinds: this.settings.kinds, all: true })[0] ?? t.finding;
      out.push({ t, f });
    }
    return out;
  }

  /** The diagnostics of a document as they should be shown now. */
  diagnostics(doc: OpenDocument): Diagnostic[] {
    // Everything but the range depends only on the finding and the settings: built once, then
    // each re-publish after an edit only places ranges (the 50 ms budget on big files).
    const out: Diagnostic[] = [];
    for (const t of doc.tracked) {
      let c = this.diagnosticCache.get(t.finding);
      if (!c || c.settings !== this.settings || c.stale !== t.stale) {
        const shown = t.finding.kind === 'build' || isKindShown(t.finding.kind, this.presentOptions);
        const f = shown ? (presentFindings([t.finding], { kinds: this.settings.kinds, all: true })[0] ?? t.finding) : null;
        c = { settings: this.settings, stale: t.stale, diagnostic: f ? findingDiagnostic(f, ZERO_RANGE, t.stale) : null };
        this.diagnosticCache.set(t.finding, c);
      }
      if (c.diagnostic) out.push({ ...c.diagnostic, range: lspRange(doc.lines, t.range) });
    }
    return out;
  }

  private readonly diagnosticCache = new WeakMap<Finding, { settings: HeapscopeSettings; stale: boolean; diagnostic: Diagnostic | null }>();

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
    return { contents: { kind: 'markdown', value: hoverMarkdown(hits.map((h) => h.f)) }, range: lspRange(doc.lines, hits[0]!.t.range) };
  }

  private linesOf: LinesOf = (file) => {
    for (const d of this.docs.values()) if (d.path === file) return d.lines;
    const text = readText(file);
    return text === null ? null : new LineIndex(text);
  };

  private findingOf(uri: string, key: string): Finding | undefined {
    return this.docs.get(uri)?.tracked.find((t) => findingKey(t.finding) === key)?.finding;
  }

  /** textDocument/codeAction: quick fixes of the diagnostics in the context, and fix-all. */
  codeActions(p: CodeActionParams): CodeAction[] {
    const doc = this.docs.get(p.textDocument.uri);
    // Fix edits are located in the compiled text: after an edit they wait for the next compile.
    if (!doc || doc.editedSinceResults) return [];
    const wants = (kind: string): boolean => !p.context.only || p.context.only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    if (wants('quickfix')) {
      const items: Array<{ finding: Finding; diagnostic: Diagnostic }> = [];
      for (const diagnostic of p.context.diagnostics) {
        const key = (diagnostic.data as { key?: unknown } | undefined)?.key;
        const finding = typeof key === 'string' ? this.findingOf(doc.uri, key) : undefined;
        if (finding && finding.fixes.length > 0) items.push({ finding, diagnostic });
      }
      actions.push(...quickFixActions(doc.uri, items));
    }
    if (wants(FIX_ALL_KIND)) {
      const keys = this.shown(doc).filter(({ t }) => t.finding.fixes.length > 0).map(({ t }) => findingKey(t.finding));
      const all = fixAllAction(doc.uri, keys);
      if (all) actions.push(all);
    }
    return this.resolveSupport ? actions : actions.map((a) => this.resolveAction(a)).filter((a) => a.edit !== undefined);
  }

  /** codeAction/resolve: computes the action's workspace edit. */
  resolveAction(a: CodeAction): CodeAction {
    const data = a.data as CodeActionData | undefined;
    if (!data || typeof data.uri !== 'string' || !Array.isArray(data.keys)) return a;
    const edit: WorkspaceEdit | null = resolveActionEdit(data, (k) => this.findingOf(data.uri, k), this.linesOf);
    return edit ? { ...a, edit } : a;
  }

  /** heapscope/compilerOutput: the raw output of the package of a document. */
  compilerOutput(uri: string): CompilerOutputResult {
    const file = uriPath(uri);
    const dir = file ? (file.endsWith('.go') ? path.dirname(file) : file) : '';
    const st = this.pkg(dir);
    const r = st.failed ?? st.good;
    if (!r) return { packagePath: dir, packageDir: dir, workingDir: dir, text: '', message: 'This package has not been analysed yet.' };
    return { packagePath: r.packagePath, packageDir: dir, workingDir: r.workingDir, text: r.output };
  }

  /** heapscope.analyzePackage: analyse the package of a document now, ignoring the cache. */
  async analyzeNow(uri: string): Promise<void> {
    const file = uriPath(uri);
    if (!file) return;
    const dir = file.endsWith('.go') ? path.dirname(file) : file;
    this.pkg(dir).dirty = true;
    await this.analyse(dir, 'requested');
  }

  /** Cancels every compiler run and waits until their processes are gone. */
  async dispose(): Promise<void> {
    this.disposed = true;
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
