// The VS Code extension: a thin client that starts the bundled language server (dist/server.js)
// and adds what only an editor can: a status bar item, commands, the compiler-output document
// with its links, and workspace trust. Everything with logic lives in the plain modules next to
// this file (tested in test/unit/client.test.ts); this file only wires them to the VS Code API.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  NotificationType,
  RequestType,
  type ResponseError,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  allKinds,
  CompiledCodeRequest,
  CompilerOutputRequest,
  CONFIG_SECTION,
  Commands,
  StatusNotification,
  TopAllocationSitesRequest,
  type CompiledCodeResult,
  type CompilerOutputResult,
  type CustomNotification,
  type CustomRequest,
  type KindSetting,
  type StatusParams,
} from '../../server/src/protocol';
import { allocationSiteItems, type AllocationSiteItem } from './allocationSites';
import { ASM_LANGUAGE_ID, ASM_SCHEME, compiledCodeDocumentPath, compiledCodeLinks } from './compiledCodeDocument';
import { OUTPUT_LANGUAGE_ID, OUTPUT_SCHEME, outputDocumentPath, outputDocumentText } from './compilerOutputDocument';
import { applyKindSelection, kindPickItems, type KindPickItem } from './kindToggle';
import { findOutputPositions, jumpTarget, resolveOutputFile, type OutputPosition } from './outputLinks';
import { RestartBudget } from './restartBudget';
import { serverSettings } from './settings';
import { serverStoppedView, statusView, type StatusView } from './statusView';

/** Client-side command ids; `heapscope.analyzePackage` is the server's and is registered by the language client. */
const ClientCommands = {
  showCompilerOutput: 'heapscope.showCompilerOutput',
  showCompiledCode: 'heapscope.showCompiledCode',
  restartServer: 'heapscope.restartServer',
  toggleKinds: 'heapscope.toggleKinds',
  showLog: 'heapscope.showLog',
  // The server's own commands (heapscope.loadProfile / clearProfile) are registered by the
  // language client; these palette commands ask for the file first, then execute them.
  loadProfile: 'heapscope.loadAllocationProfile',
  clearProfile: 'heapscope.clearAllocationProfile',
  topAllocationSites: 'heapscope.topAllocationSites',
} as const;

/** The client's vscode-jsonrpc type of a custom request (server/src/protocol/messages.ts says why each side makes its own). */
function requestType<P, R>(r: CustomRequest<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(r.method);
}

/** The client's vscode-jsonrpc type of a custom notification. */
function notificationType<P>(n: CustomNotification<P>): NotificationType<P> {
  return new NotificationType<P>(n.method);
}

/** Context key for `when` clauses: true while the server runs (its commands exist only then). */
const RUNNING_CONTEXT = 'heapscope.serverRunning';

let extension: HeapscopeExtension | undefined;

/** Entry point: called by VS Code on a Go file or in a workspace with a go.mod. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new HeapscopeExtension(context);
  context.subscriptions.push(extension);
  await extension.start();
}

/** Stops the server when the window closes or the extension is disabled. */
export async function deactivate(): Promise<void> {
  await extension?.stopServer();
  extension = undefined;
}

class HeapscopeExtension implements vscode.Disposable {
  private readonly log = vscode.window.createOutputChannel('Heapscope', { log: true });
  private readonly statusItem = vscode.window.createStatusBarItem('heapscope.status', vscode.StatusBarAlignment.Right, 100);
  private readonly outputs = new CompilerOutputProvider();
  private readonly compiledCode = new CompiledCodeProvider();
  private readonly budget = new RestartBudget(5, 3 * 60 * 1000);
  private readonly disposables: vscode.Disposable[] = [];
  /** Last status per document URI, plus the last one overall for documents the server did not name. */
  /** The latest status of each package directory, for the active file's status bar. */
  private readonly statusByDir = new Map<string, StatusParams>();
  private lastStatus: StatusParams | null = null;
  private stoppedReason: string | null = null;
  private offeredOutput = false;
  private client: LanguageClient | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.statusItem.name = 'Heapscope';
    this.statusItem.command = ClientCommands.showLog;
    this.disposables.push(
      this.log,
      this.statusItem,
      vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, this.outputs),
      vscode.languages.registerDocumentLinkProvider({ scheme: OUTPUT_SCHEME }, this.outputs),
      vscode.workspace.registerTextDocumentContentProvider(ASM_SCHEME, this.compiledCode),
      vscode.languages.registerDocumentLinkProvider({ scheme: ASM_SCHEME }, this.compiledCode),
      vscode.commands.registerCommand(ClientCommands.showLog, () => this.log.show(true)),
      vscode.commands.registerCommand(ClientCommands.restartServer, () => this.restart()),
      vscode.commands.registerCommand(ClientCommands.showCompilerOutput, () => this.showCompilerOutput()),
      vscode.commands.registerCommand(ClientCommands.showCompiledCode, () => this.showCompiledCode()),
      vscode.commands.registerCommand(ClientCommands.toggleKinds, () => this.toggleKinds()),
      vscode.commands.registerCommand(ClientCommands.loadProfile, () => this.loadProfile()),
      vscode.commands.registerCommand(ClientCommands.clearProfile, () => this.serverCommand(Commands.clearProfile, [])),
      vscode.commands.registerCommand(ClientCommands.topAllocationSites, () => this.topAllocationSites()),
      vscode.window.onDidChangeActiveTextEditor(() => this.renderStatus()),
      // Setting changes reach the server through the didChangeConfiguration registration it makes
      // (the server then pulls through the middleware below). Trust is no setting: when Restricted
      // Mode ends (without a reload) tell the server, which then starts analysing.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.pushSettings('workspace trusted')),
    );
  }

  /** Starts the language server (a new client each time, so options reflect the current trust). */
  async start(): Promise<void> {
    this.stoppedReason = null;
    this.lastStatus = vscode.workspace.isTrusted ? null : { state: 'untrusted', heapAllocations: 0, message: 'Workspace is not trusted: Heapscope does not run go.' };
    this.renderStatus();
    const client = this.createClient();
    this.client = client;
    client.onDidChangeState((e) => {
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, e.newState === State.Running);
    });
    client.onNotification(notificationType(StatusNotification), (status) => this.onStatus(status));
    try {
      await client.start();
      this.log.info(`Language server started (trusted: ${vscode.workspace.isTrusted}).`);
    } catch (err) {
      this.stoppedReason = `it could not start: ${errorText(err)}`;
      this.log.error(`Language server failed to start: ${errorText(err)}`);
      this.renderStatus();
    }
  }

  /** Stops the server and forgets the client. */
  async stopServer(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      if (client.state !== State.Stopped) await client.stop(5000);
    } catch (err) {
      this.log.warn(`Stopping the language server: ${errorText(err)}`);
    }
    await client.dispose().catch(() => undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private createClient(): LanguageClient {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      // Saved Go files only: the compiler needs a package directory, which untitled buffers lack.
      documentSelector: [{ scheme: 'file', language: 'go' }],
      outputChannel: this.log,
      traceOutputChannel: this.log,
      diagnosticCollectionName: 'heapscope',
      initializationOptions: this.settingsFor(undefined),
      // No `synchronize.fileEvents`: the server registers its own watchers (*.go, go.mod, go.work).
      markdown: { isTrusted: false, supportHtml: false },
      errorHandler: {
        error: (_error, _message, count) => ({
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
          handled: true,
        }),
        closed: () => this.onServerClosed(),
      },
      middleware: {
        workspace: {
          // The server pulls `heapscope` per folder; answer with the wire shape (HeapscopeSettings), not VS Code's keys.
          configuration: async (params, token, next) => {
            const values: unknown = await next(params, token);
            if (!Array.isArray(values)) return values as ResponseError<void>;
            return params.items.map((item, i): unknown => (item.section === CONFIG_SECTION ? this.settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : values[i]));
          },
        },
        // From the command palette the server's command gets no argument: pass the active Go file.
        executeCommand: async (command, args, next) => {
          if (command === Commands.analyzePackage && args.length === 0) {
            const uri = activeGoUri();
            if (uri === undefined) {
              void vscode.window.showInformationMessage('Heapscope: open a Go file to analyse its package.');
              return undefined;
            }
            return next(command, [uri.toString()]);
          }
          return next(command, args);
        },
      },
    };
    return new LanguageClient('heapscope', 'Heapscope', serverOptions, clientOptions);
  }

  /** The server settings for a folder (or the window when `scope` is undefined). */
  private settingsFor(scope: vscode.Uri | undefined): ReturnType<typeof serverSettings> {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? null);
    const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
    return serverSettings((key) => config.get(key), {
      trusted: vscode.workspace.isTrusted,
      folderPath: folder?.uri.fsPath,
      home: os.homedir(),
    });
  }

  /** Tells the server that trust (or settings) changed; it pulls the settings again. */
  private pushSettings(why: string): void {
    const client = this.client;
    if (client === undefined || !client.isRunning()) return;
    this.log.info(`Sending configuration to the server: ${why}.`);
    client
      .sendNotification(DidChangeConfigurationNotification.type, { settings: { [CONFIG_SECTION]: this.settingsFor(undefined) } })
      .catch((err: unknown) => this.log.warn(`Could not send configuration: ${errorText(err)}`));
  }

  private onServerClosed(): { action: CloseAction; handled: boolean } {
    if (this.budget.recordCrash(Date.now())) {
      this.log.warn('The language server stopped unexpectedly; restarting it.');
      return { action: CloseAction.Restart, handled: true };
    }
    this.stoppedReason = 'it crashed 5 times in 3 minutes';
    this.log.error('The language server crashed 5 times in 3 minutes; it will not be restarted automatically.');
    this.renderStatus();
    if (!this.offeredOutput) {
      this.offeredOutput = true;
      void vscode.window.showErrorMessage('Heapscope: the language server keeps crashing and was stopped.', 'Show Output', 'Restart Server').then((choice) => {
        if (choice === 'Show Output') this.log.show();
        if (choice === 'Restart Server') void this.restart();
      });
    }
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private async restart(): Promise<void> {
    this.log.info('Restarting the language server.');
    this.budget.reset();
    this.statusByDir.clear();
    await this.stopServer();
    await this.start();
  }

  private onStatus(status: StatusParams): void {
    this.lastStatus = status;
    if (status.dir !== undefined) this.statusByDir.set(status.dir, status);
    const where = status.package ?? status.dir ?? '';
    this.log.debug(`status ${status.state}${where ? ` (${where})` : ''}: ${status.message}`);
    this.renderStatus();
  }

  /** Shows the state of the active Go file's package; hidden in editors Heapscope has nothing to say about. */
  private renderStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const lang = editor?.document.languageId;
    if (lang !== 'go' && lang !== OUTPUT_LANGUAGE_ID) {
      this.statusItem.hide();
      return;
    }
    const dir = editor?.document.uri.scheme === 'file' ? path.dirname(editor.document.uri.fsPath) : undefined;
    const status = (dir !== undefined && this.statusByDir.get(dir)) || this.lastStatus;
    const view: StatusView = this.stoppedReason !== null ? serverStoppedView(this.stoppedReason) : statusView(status);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    this.statusItem.backgroundColor = view.background === 'none' ? undefined : new vscode.ThemeColor(`statusBarItem.${view.background}Background`);
    this.statusItem.show();
  }

  private async showCompilerOutput(): Promise<void> {
    const source = activeGoUri();
    const client = this.client;
    if (source === undefined) {
      void vscode.window.showInformationMessage('Heapscope: open a Go file to see its package’s compiler output.');
      return;
    }
    if (client === undefined || !client.isRunning()) {
      void vscode.window.showInformationMessage('Heapscope: the language server is not running.');
      return;
    }
    const result = await client.sendRequest(requestType(CompilerOutputRequest), { uri: source.toString() });
    const uri = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: outputDocumentPath(result.packagePath) });
    this.outputs.set(uri, result);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== OUTPUT_LANGUAGE_ID) doc = await vscode.languages.setTextDocumentLanguage(doc, OUTPUT_LANGUAGE_ID);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** "Show Compiled Code": the function under the cursor as the compiler produced it, beside the editor. */
  private async showCompiledCode(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const source = activeGoUri();
    const client = this.client;
    if (editor === undefined || source === undefined) {
      void vscode.window.showInformationMessage('Heapscope: place the cursor in a function of a Go file to see its compiled code.');
      return;
    }
    if (client === undefined || !client.isRunning()) {
      void vscode.window.showInformationMessage('Heapscope: the language server is not running.');
      return;
    }
    const { line, character } = editor.selection.active;
    const result = await client.sendRequest(requestType(CompiledCodeRequest), { uri: source.toString(), position: { line, character } });
    if (result.text === '') {
      void vscode.window.showInformationMessage(`Heapscope: ${result.message ?? 'no compiled code.'}`);
      return;
    }
    const uri = vscode.Uri.from({ scheme: ASM_SCHEME, path: compiledCodeDocumentPath(result) });
    this.compiledCode.set(uri, result);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== ASM_LANGUAGE_ID) doc = await vscode.languages.setTextDocumentLanguage(doc, ASM_LANGUAGE_ID);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** Runs one of the server's commands through workspace/executeCommand. */
  private async serverCommand(command: string, args: unknown[]): Promise<void> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      void vscode.window.showInformationMessage('Heapscope: the language server is not running.');
      return;
    }
    await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  /** "Load Allocation Profile…": pick pprof files; the server loads them in place of `heapscope.profiles`. */
  private async loadProfile(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Load Profile',
      title: 'Heapscope: allocation profile (go test -memprofile, runtime/pprof, net/http/pprof heap or allocs)',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { 'pprof profiles': ['pprof', 'prof', 'pb', 'gz', 'out'], 'All files': ['*'] },
    });
    if (picked === undefined || picked.length === 0) return;
    this.log.info(`Loading allocation profile ${picked.map((u) => u.fsPath).join(', ')}.`);
    await this.serverCommand(
      Commands.loadProfile,
      picked.map((u) => u.fsPath),
    );
  }

  /** "Top Allocation Sites": the profile's lines by share; picking one opens it at that line. */
  private async topAllocationSites(): Promise<void> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      void vscode.window.showInformationMessage('Heapscope: the language server is not running.');
      return;
    }
    const result = await client.sendRequest(requestType(TopAllocationSitesRequest), { limit: 100 });
    if (result.sites.length === 0) {
      void vscode.window.showInformationMessage(`Heapscope: ${result.message ?? 'the profile has no allocation sites in this module.'}`);
      return;
    }
    const picked = await vscode.window.showQuickPick<AllocationSiteItem & vscode.QuickPickItem>(allocationSiteItems(result.sites), {
      title: `Heapscope: top allocation sites (${result.sampleType ?? 'alloc_space'})`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked === undefined) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(picked.uri));
    const line = Math.min(picked.line, Math.max(0, doc.lineCount - 1));
    const at = doc.lineAt(line).firstNonWhitespaceCharacterIndex;
    const pos = new vscode.Position(line, at);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  }

  private async toggleKinds(): Promise<void> {
    const scope = activeGoUri();
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? null);
    const current = config.get<Record<string, KindSetting>>('kinds') ?? {};
    const kinds = allKinds();
    const items = kindPickItems(kinds, current);
    const picked = await vscode.window.showQuickPick<KindPickItem>(items, {
      canPickMany: true,
      title: 'Heapscope: kinds shown as diagnostics',
      placeHolder: 'Tick the kinds to show; severities are set in the heapscope.kinds setting',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked === undefined) return;
    const next = applyKindSelection(kinds, current, new Set(picked.map((p) => p.id)));
    // Write where the user keeps the setting now (folder, workspace), else in user settings.
    const where = config.inspect('kinds');
    const target =
      where?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : where?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update('kinds', next, target);
  }
}

/** The compiler-output documents' text and their links to source positions. */
class CompilerOutputProvider implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider<OutputLink> {
  private readonly results = new Map<string, CompilerOutputResult>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, result: CompilerOutputResult): void {
    this.results.set(uri.toString(), result);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const result = this.results.get(uri.toString());
    return result ? outputDocumentText(result) : '# Run "Heapscope: Show Compiler Output" from a Go file.\n';
  }

  provideDocumentLinks(document: vscode.TextDocument): OutputLink[] {
    const result = this.results.get(document.uri.toString());
    if (result === undefined) return [];
    return findOutputPositions(document.getText()).map((pos) => {
      const range = new vscode.Range(pos.outputLine, pos.start, pos.outputLine, pos.end);
      return new OutputLink(range, vscode.Uri.file(resolveOutputFile(pos.file, result)), pos);
    });
  }

  /** Resolves the byte column to a character by reading the source line (only for the link clicked). */
  async resolveDocumentLink(link: OutputLink): Promise<OutputLink> {
    let lineText: string | null = null;
    try {
      const bytes = await vscode.workspace.fs.readFile(link.file);
      lineText = new TextDecoder().decode(bytes).split('\n')[link.position.line - 1]?.replace(/\r$/, '') ?? null;
    } catch {
      // The file is gone or unreadable: jump to the byte column, the best guess left.
    }
    const at = jumpTarget(link.position, lineText);
    link.target = link.file.with({ fragment: `L${at.line + 1},${at.character + 1}` });
    return link;
  }
}

/** The compiled-code documents' text and their links from each instruction to its source line. */
class CompiledCodeProvider implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly results = new Map<string, CompiledCodeResult>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, result: CompiledCodeResult): void {
    this.results.set(uri.toString(), result);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.results.get(uri.toString())?.text ?? '// Run "Heapscope: Show Compiled Code" with the cursor in a Go function.\n';
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const result = this.results.get(document.uri.toString());
    if (result === undefined) return [];
    return compiledCodeLinks(result).map((l) => {
      const link = new vscode.DocumentLink(new vscode.Range(l.line, l.start, l.line, l.end), vscode.Uri.file(l.file).with({ fragment: `L${l.targetLine + 1}` }));
      link.tooltip = `Go to ${path.basename(l.file)}:${l.targetLine + 1}`;
      return link;
    });
  }
}

class OutputLink extends vscode.DocumentLink {
  constructor(
    range: vscode.Range,
    readonly file: vscode.Uri,
    readonly position: OutputPosition,
  ) {
    super(range);
    this.tooltip = 'Go to the position';
  }
}

/** The URI of the active editor's Go file, if it is one. */
function activeGoUri(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.languageId === 'go' && doc.uri.scheme === 'file' ? doc.uri : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
