// The language server entry: wires each LSP method to one Session method and nothing else.
// Run as main (dist/server.js), it starts a connection over IPC (--node-ipc, what the VS Code
// client uses) or stdio (--stdio); createConnection picks the transport from process.argv.
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { Session, type SessionHost } from './session';
import {
  COMPILER_OUTPUT_REQUEST,
  Commands,
  CONFIG_SECTION,
  FIX_ALL_KIND,
  normalizeSettings,
  STATUS_NOTIFICATION,
  type CompilerOutputParams,
  type StatusParams,
} from './protocol';

/** The host side of a session over an LSP connection. */
function connectionHost(connection: Connection, caps: () => ClientCapabilities): SessionHost {
  return {
    publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
    status: (p: StatusParams) => void connection.sendNotification(STATUS_NOTIFICATION, p),
    log: (level, message) => {
      if (level === 'error') connection.console.error(message);
      else if (level === 'warn') connection.console.warn(message);
      else connection.console.info(message);
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

/** Registers every handler on a connection and starts listening; returns the session. */
export function startServer(connection: Connection): Session {
  let caps: ClientCapabilities = {};
  const session = new Session(connectionHost(connection, () => caps));
  let initOptions: unknown;

  const pullSettings = async (): Promise<void> => {
    if (caps.workspace?.configuration) {
      const raw: unknown = await connection.workspace.getConfiguration(CONFIG_SECTION);
      session.configure(normalizeSettings(raw ?? initOptions));
    }
  };

  connection.onInitialize((params): InitializeResult => {
    caps = params.capabilities;
    const opts = params.initializationOptions as Record<string, unknown> | undefined;
    initOptions = opts && typeof opts === 'object' && CONFIG_SECTION in opts ? opts[CONFIG_SECTION] : opts;
    session.settings = normalizeSettings(initOptions);
    session.resolveSupport = caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') ?? false;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        executeCommandProvider: { commands: [Commands.analyzePackage] },
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
    await pullSettings().catch((e: unknown) => connection.console.warn(`could not read settings: ${String(e)}`));
  });

  connection.onDidChangeConfiguration(async (p) => {
    if (caps.workspace?.configuration) await pullSettings();
    else {
      const raw = (p.settings as Record<string, unknown> | null)?.[CONFIG_SECTION] ?? p.settings;
      session.configure(normalizeSettings(raw));
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
  connection.onRequest(COMPILER_OUTPUT_REQUEST, (p: CompilerOutputParams) => session.compilerOutput(p.uri));
  connection.onExecuteCommand(async (p) => {
    const uri = p.arguments?.[0];
    if (p.command === Commands.analyzePackage && typeof uri === 'string') await session.analyzeNow(uri);
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

// Bundled into dist/cli.js too (through cli/lsp.ts): start only when this file is the entry.
if (require.main === module && /server\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  startServer(createConnection(ProposedFeatures.all));
}
