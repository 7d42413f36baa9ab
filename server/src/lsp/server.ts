// The language server entry: wires each LSP method to one Session method and nothing else.
// Run as main (dist/server.js), it starts a connection over IPC (--node-ipc, what the VS Code
// client uses) or stdio (--stdio); createConnection picks the transport from process.argv.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  NotificationType,
  RequestType,
  ShowMessageNotification,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { Session, type SessionHost } from './session';
import {
  Commands,
  CompiledCodeRequest,
  CompilerOutputRequest,
  CONFIG_SECTION,
  FIX_ALL_KIND,
  normalizeSettings,
  StatusNotification,
  TopAllocationSitesRequest,
  type CustomNotification,
  type CustomRequest,
  type StatusParams,
} from '../protocol';
import { uriPath } from './session';
import { changeFolders, configurationItems, settingsFromConfiguration, type FolderRef } from './folders';
import { fastJsonEncoder } from './wire';

/** The server's vscode-jsonrpc type of a custom request (protocol/messages.ts says why each side makes its own). */
function requestType<P, R>(r: CustomRequest<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(r.method);
}

/** The server's vscode-jsonrpc type of a custom notification. */
function notificationType<P>(n: CustomNotification<P>): NotificationType<P> {
  return new NotificationType<P>(n.method);
}

const statusType = notificationType(StatusNotification);

/**
 * Collects garbage once the server has been quiet for a moment after publishing. Every publish
 * builds a short-lived buffer of the document's diagnostics (1.6 MB for 1,666 of them), and left to
 * itself V8 grows the heap with that garbage: with 51 open files the resident size read 137–163 MB
 * from run to run, against a live set of about 123 MB. A full collection after 500 ms without a
 * publish settles it at 127–140 MB (docs/BENCHMARKS.md); it runs only in pauses, not while typing.
 */
function idleCollector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  let timer: NodeJS.Timeout | null = null;
  return () => {
    if (typeof gc !== 'function') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      gc();
    }, 500);
    timer.unref();
  };
}

/** The host side of a session over an LSP connection. */
function connectionHost(connection: Connection, caps: () => ClientCapabilities): SessionHost {
  const afterWork = idleCollector();
  return {
    publish: (uri, diagnostics) => {
      void connection.sendDiagnostics({ uri, diagnostics });
      afterWork();
    },
    status: (p: StatusParams) => void connection.sendNotification(statusType, p),
    log: (level, message) => {
      if (level === 'error') connection.console.error(message);
      else if (level === 'warn') connection.console.warn(message);
      else connection.console.info(message);
    },
    // A notification (window/showMessage), not showMessageRequest: nothing to answer, nothing to await.
    showMessage: (level, message) => void connection.sendNotification(ShowMessageNotification.type, { type: level === 'error' ? MessageType.Error : MessageType.Warning, message }),
    refreshHints: () => {
      const ws = caps().workspace;
      if (ws?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh().catch(() => undefined);
      if (ws?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    },
    progress: async (title, message) => {
      if (!caps().window?.workDoneProgress) return { done: () => undefined };
      try {
        const reporter = await connection.window.createWorkDoneProgress();
        reporter.begin(title, undefined, message);
        return { done: () => reporter.done() };
      } catch {
        return { done: () => undefined };
      }
    },
  };
}

/** Registers every handler on a connection and starts listening; returns the session. `fastWire`: the connection writes with wire.ts's encoder. */
export function startServer(connection: Connection, options: { fastWire?: boolean } = {}): Session {
  let caps: ClientCapabilities = {};
  const session = new Session(connectionHost(connection, () => caps));
  session.compactDiagnostics = options.fastWire ?? false;
  let initOptions: unknown;
  let folders: FolderRef[] = [];
  /** The folders with their paths (non-file URIs have none and own no files). */
  const folderPaths = (): Array<{ uri: string; path: string }> =>
    folders.flatMap((f) => {
      const p = uriPath(f.uri);
      return p ? [{ uri: f.uri, path: p }] : [];
    });

  // One request for the window and every folder (scopeUri): each folder's packages use its own settings.
  const pullSettings = async (): Promise<void> => {
    if (caps.workspace?.configuration) {
      const located = folderPaths();
      const values: unknown = await connection.workspace.getConfiguration(configurationItems(located));
      const answers = Array.isArray(values) ? values : [];
      const got = settingsFromConfiguration(answers, located, initOptions, session.settings);
      session.configure(got.window, got.folders);
    }
  };

  connection.onInitialize((params): InitializeResult => {
    caps = params.capabilities;
    const opts = params.initializationOptions as Record<string, unknown> | undefined;
    initOptions = opts && typeof opts === 'object' && CONFIG_SECTION in opts ? opts[CONFIG_SECTION] : opts;
    session.settings = normalizeSettings(initOptions);
    session.resolveSupport = caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') ?? false;
    // Explanation steps as related information only for a client that says it takes them (VS Code, Neovim do).
    session.relatedInformation = caps.textDocument?.publishDiagnostics?.relatedInformation === true;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
    const folder = folders[0]?.uri ?? null;
    session.workspaceRoot = (folder ? uriPath(folder) : null) ?? params.rootPath ?? null;
    // Without workspace/configuration every folder uses the initialization options (the window's settings).
    session.folders = folderPaths().map((f) => ({ ...f, settings: null }));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        executeCommandProvider: { commands: [Commands.analyzePackage, Commands.loadProfile, Commands.clearProfile] },
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'heapscope', version: typeof HEAPSCOPE_VERSION === 'string' ? HEAPSCOPE_VERSION : 'dev' },
    };
  });

  connection.onInitialized(async () => {
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: CONFIG_SECTION });
    }
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.go' }, { globPattern: '**/go.mod' }, { globPattern: '**/go.work' }],
      });
    }
    if (caps.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
        folders = changeFolders(folders, e.added, e.removed);
        const first = folders[0] ? uriPath(folders[0].uri) : null;
        if (first) session.workspaceRoot = first;
        if (caps.workspace?.configuration) await pullSettings().catch((err: unknown) => connection.console.warn(`could not read settings: ${String(err)}`));
        else
          session.configure(
            session.settings,
            folderPaths().map((f) => ({ ...f, settings: null })),
          );
      });
    }
    await pullSettings().catch((e: unknown) => connection.console.warn(`could not read settings: ${String(e)}`));
    // Without workspace/configuration the initialization options are all the settings there are.
    if (!caps.workspace?.configuration) session.configure(session.settings);
  });

  connection.onDidChangeConfiguration(async (p) => {
    if (caps.workspace?.configuration) await pullSettings();
    else {
      const raw = (p.settings as Record<string, unknown> | null)?.[CONFIG_SECTION] ?? p.settings;
      session.configure(normalizeSettings(raw, session.settings));
    }
  });

  connection.onDidOpenTextDocument((p) => session.open(p.textDocument.uri, p.textDocument.version, p.textDocument.text));
  connection.onDidChangeTextDocument((p) => session.change(p.textDocument.uri, p.textDocument.version, p.contentChanges));
  connection.onDidSaveTextDocument((p) => session.save(p.textDocument.uri));
  connection.onDidCloseTextDocument((p) => session.close(p.textDocument.uri));
  connection.onDidChangeWatchedFiles((p) => session.filesChanged(p.changes.map((c) => c.uri)));
  connection.onHover((p) => session.hover(p.textDocument.uri, p.position));
  connection.onCodeAction((p) => session.codeActions(p));
  connection.onCodeActionResolve((a) => session.resolveAction(a));
  connection.onRequest(requestType(CompilerOutputRequest), (p) => session.compilerOutput(p.uri));
  connection.onRequest(requestType(CompiledCodeRequest), (p, token) => {
    // A cancelled request stops its objdump.
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    return session.compiledCode(p.uri, p.position, ac.signal);
  });
  // Params may be left out: every field is optional.
  connection.onRequest(requestType(TopAllocationSitesRequest), (p) => session.topAllocationSites(p?.limit));
  connection.languages.inlayHint.on((p) => session.inlayHints(p.textDocument.uri, p.range));
  connection.onCodeLens((p) => session.codeLenses(p.textDocument.uri));
  connection.onExecuteCommand(async (p) => {
    const args = p.arguments ?? [];
    const uri = args[0];
    if (p.command === Commands.analyzePackage && typeof uri === 'string') await session.analyzeNow(uri);
    if (p.command === Commands.loadProfile) {
      const files = args.filter((a): a is string => typeof a === 'string');
      if (files.length > 0) await session.loadProfileCommand(files);
    }
    if (p.command === Commands.clearProfile) await session.clearProfileCommand();
    return null;
  });
  connection.onShutdown(() => session.dispose());
  // Killed or disconnected: end every go process before leaving.
  const stop = (): void => {
    void session.dispose().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  connection.onExit(() => void session.dispose());
  connection.listen();
  return session;
}

declare const HEAPSCOPE_VERSION: string | undefined;

/**
 * A frame the reader cannot take apart (a bad Content-Length header) leaves the input stream
 * unreadable: every later message would be lost while the server looked alive. So say why on
 * stderr (the client's output channel) and exit with status 1, which the client answers by
 * restarting the server; the 'exit' handler of processes.ts stops any go still running.
 */
function exitOnUnreadableInput(err: Error): void {
  process.stderr.write(`heapscope: unreadable message from the client, exiting: ${err.message}\n`);
  process.exit(1);
}

/**
 * Returns the connection for this process's transport: over stdio with the fast diagnostics
 * encoder (wire.ts), otherwise what createConnection picks from process.argv (--node-ipc, …).
 */
export function createServerConnection(): { connection: Connection; fastWire: boolean } {
  if (process.argv.includes('--stdio')) {
    const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: fastJsonEncoder });
    const reader = new StreamMessageReader(process.stdin);
    reader.onError(exitOnUnreadableInput);
    return { connection: createConnection(ProposedFeatures.all, reader, writer), fastWire: true };
  }
  return { connection: createConnection(ProposedFeatures.all), fastWire: false };
}

/**
 * `heapscope lsp --stdio`: runs the language server in this process over stdio (or --node-ipc …).
 * Returns 2 on bad arguments, otherwise never resolves (the exit notification ends the process).
 * dist/cli.js loads this from dist/server.js only for that command (scripts/build.mjs).
 */
export function runLsp(args: string[]): Promise<number> {
  if (!args.includes('--stdio') && !args.includes('--node-ipc') && !args.some((a) => a.startsWith('--socket') || a.startsWith('--pipe'))) {
    process.stderr.write('usage: heapscope lsp --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n');
    return Promise.resolve(2);
  }
  // createConnection reads the transport from process.argv; make sure the flag is there when called from main().
  for (const a of args) if (!process.argv.includes(a)) process.argv.push(a);
  const { connection, fastWire } = createServerConnection();
  startServer(connection, { fastWire });
  return new Promise<number>(() => undefined);
}

// Also loaded by dist/cli.js for `heapscope lsp`: start only when this file is the entry.
if (require.main === module && /server\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const { connection, fastWire } = createServerConnection();
  startServer(connection, { fastWire });
}
