// Save → compiler diagnostics, side by side in one run: Heapscope's language server (dist/server.js)
// against a real gopls with its compiler optimization details on for the package, on two real
// packages: gin v1.10.0 (context.go) and golang.org/x/tools v0.30.0 go/ssa (builder.go). Each round
// appends a one-line function that moves a fresh variable to the heap, saves (didChange + didSave)
// and times until a publish for the file reports that variable on the new line; then it restores
// the file and waits for the server to be idle. Rounds alternate between the two servers, both
// running (each on its own copy of the module), so load from other jobs falls on both alike.
//
// gopls (v0.23.0) is installed once per machine with `go install` into ~/.cache/heapscope-bench;
// without it (no network) the bench prints why and returns no figures. gopls computes compiler
// details only for directories toggled by the `gopls.gc_details` command (argument: the URI of a
// file of the package), and recomputes them in every full diagnosis of a new snapshot, so after
// each change or save, once its `diagnosticsDelay` (1 s by default, kept) has passed: see
// gopls/internal/server/command.go (GCDetails), server/diagnostics.go (compilerOptDetailsDiagnostics)
// and golang/compileropt.go (`go test -c -gcflags=-json=0,DIR`, source "optimizer details").
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ConfigurationParams,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  ShowMessageParams,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from 'vscode-languageserver-protocol';
import { startBenchServer } from './lsp.bench';
import { moduleCopy } from './modules';
import type { BenchFigure } from './types';

const root = path.resolve(__dirname, '..');
const GOPLS_VERSION = 'v0.23.0';
const GIN = 'github.com/gin-gonic/gin@v1.10.0';
/** Rounds per server and package (after one uncounted warm-up round each). */
const ROUNDS = Number(process.env.HEAPSCOPE_BENCH_GOPLS_N ?? 5);
/** A round whose diagnostics have not come by then is reported as timed out. */
const ROUND_TIMEOUT_MS = 60_000;
/** Idle: no publish or status (Heapscope) / progress (gopls) for this long. */
const QUIET_MS = 1500;
/** Longest wait for a server to become idle (the first analysis of a package included). */
const IDLE_MAX_MS = 300_000;

/** The packages measured: the module to copy, the file edited in it. */
const TARGETS: ReadonlyArray<{ label: string; module: string; file: string }> = [
  { label: `gin ${GIN.split('@')[1]!}, context.go`, module: GIN, file: 'context.go' },
  { label: 'x/tools v0.30.0 go/ssa, builder.go', module: 'golang.org/x/tools@v0.30.0', file: path.join('go', 'ssa', 'builder.go') },
];

/**
 * What VS Code's client declares (as lsp.bench.ts's VSCODE_CAPABILITIES, which it does not export),
 * plus what VS Code also declares and gopls reads: work-done progress (the bench's idle signal) and
 * workspace folders.
 */
const GOPLS_CAPABILITIES = {
  workspace: { configuration: true, workspaceFolders: true },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { didSave: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { resolveSupport: { properties: ['edit'] } },
    publishDiagnostics: { relatedInformation: true, versionSupport: false, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
  },
};

/** lsp.bench.ts's median (not exported there). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** A diagnostic's message as text (LSP 3.18 also allows markup). */
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The peak resident size (VmHWM) of a process so far, in MB. */
function peakRss(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/** gopls at GOPLS_VERSION: installed once into the bench's cache directory, then reused. */
function installGopls(): { bin: string } | { error: string } {
  const dir = path.join(os.homedir(), '.cache', 'heapscope-bench', `gopls-${GOPLS_VERSION}`);
  const bin = path.join(dir, 'gopls');
  if (existsSync(bin)) return { bin };
  mkdirSync(dir, { recursive: true });
  console.log(`installing gopls ${GOPLS_VERSION} into ${dir} (go install, once per machine)`);
  try {
    execFileSync('go', ['install', `golang.org/x/tools/gopls@${GOPLS_VERSION}`], {
      cwd: os.tmpdir(),
      env: { ...process.env, GOBIN: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 20 * 60_000,
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message?: string };
    const why = e.stderr?.toString().trim().split('\n').slice(-3).join(' / ') || e.message || String(err);
    return { error: why };
  }
  return existsSync(bin) ? { bin } : { error: `go install finished but ${bin} is missing` };
}

/** One server as the scenario drives it. */
interface Side {
  name: string;
  pid: number | undefined;
  rpc: MessageConnection;
  /** The first publish for `uri` from now on that satisfies `cond`: its arrival time, or null if none within `timeoutMs`. */
  published(uri: string, cond: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number): Promise<number | null>;
  /** Whether a publish carries the server's compiler diagnostics. */
  hasCompilerDiagnostics(p: PublishDiagnosticsParams): boolean;
  /** Whether a diagnostic reports `variable` moved to the heap. */
  movedToHeap(d: Diagnostic, variable: string): boolean;
  /** Opens `file` and does what it takes for its compiler diagnostics to be computed. */
  open(file: string): Promise<void>;
  /** Resolves once the server has been quiet for QUIET_MS (or after IDLE_MAX_MS). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)))]).finally(() => clearTimeout(timer));
}

/** Heapscope through lsp.bench.ts's startBenchServer: diagnostics of source "heapscope", idle from its publishes and heapscope/status. */
async function heapscopeSide(work: string): Promise<Side> {
  const s = await startBenchServer(path.join(root, 'dist', 'server.js'), work);
  const lastPublish = (): number => Math.max(0, ...[...s.publishes.values()].map((l) => l[l.length - 1]?.at ?? 0));
  return {
    name: 'Heapscope',
    pid: s.proc.pid,
    rpc: s.rpc,
    published: (uri, cond, timeoutMs) =>
      withTimeout(
        s.nextDiagnostics(uri, cond).then(() => performance.now()),
        timeoutMs,
      ),
    hasCompilerDiagnostics: (p) => p.diagnostics.some((d) => d.source === 'heapscope'),
    movedToHeap: (d, variable) => d.source === 'heapscope' && d.code === 'escape.moved' && messageOf(d).includes(variable),
    open: (file) => s.open(file),
    idle: async () => {
      const deadline = performance.now() + IDLE_MAX_MS;
      while (performance.now() < deadline) {
        // settled: no package analysing and no status for QUIET_MS; then no publish for as long either.
        await s.settled(QUIET_MS, deadline - performance.now());
        const quietFor = performance.now() - lastPublish();
        if (quietFor >= QUIET_MS) return;
        await sleep(QUIET_MS - quietFor);
      }
    },
    stop: () => s.stop(),
  };
}

/** gopls over stdio (plain `gopls` serves LSP on stdin/stdout); idle from its publishes and $/progress. */
async function goplsSide(bin: string, work: string): Promise<Side & { version: string }> {
  const proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'ignore'], cwd: work });
  const rpc = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiters = new Map<string, Array<(p: PublishDiagnosticsParams) => boolean>>();
  let lastActivity = performance.now();
  const progress = new Set<string | number>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    lastActivity = performance.now();
    waiters.set(
      p.uri,
      (waiters.get(p.uri) ?? []).filter((w) => !w(p)),
    );
  });
  rpc.onNotification('$/progress', (p: { token: string | number; value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd }) => {
    lastActivity = performance.now();
    if (p.value.kind === 'begin') progress.add(p.token);
    else if (p.value.kind === 'end') progress.delete(p.token);
  });
  rpc.onNotification('window/showMessage', (p: ShowMessageParams) => {
    if (p.type <= 2) console.log(`gopls: ${p.message}`);
  });
  rpc.onRequest('workspace/configuration', (p: ConfigurationParams) => p.items.map(() => ({})));
  rpc.onRequest('workspace/workspaceFolders', () => [{ uri: pathToFileURL(work).toString(), name: path.basename(work) }]);
  rpc.onRequest('window/workDoneProgress/create', () => null);
  rpc.onRequest('client/registerCapability', () => null);
  rpc.onRequest('window/showMessageRequest', () => null);
  rpc.listen();
  const rootUri = pathToFileURL(work).toString();
  const init = await rpc.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(work) }],
    capabilities: GOPLS_CAPABILITIES,
  });
  const commands = init.capabilities.executeCommandProvider?.commands ?? [];
  if (!commands.includes('gopls.gc_details')) throw new Error(`gopls does not offer gopls.gc_details (commands: ${commands.join(', ')})`);
  await rpc.sendNotification('initialized', {});
  const version = execFileSync(bin, ['version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  return {
    name: 'gopls',
    version,
    pid: proc.pid,
    rpc,
    published: (uri, cond, timeoutMs) =>
      withTimeout(
        new Promise<number>((resolve) => {
          const w = (p: PublishDiagnosticsParams): boolean => {
            if (!cond(p)) return false;
            resolve(performance.now());
            return true;
          };
          waiters.set(uri, [...(waiters.get(uri) ?? []), w]);
        }),
        timeoutMs,
      ),
    hasCompilerDiagnostics: (p) => p.diagnostics.some((d) => d.source === 'optimizer details'),
    // cmd/compile's -json log says "x escapes to heap" (escape/solve.go) where -m says "moved to heap: x"; gopls prefixes the code: "escape(x escapes to heap)".
    movedToHeap: (d, variable) => d.source === 'optimizer details' && /escapes to heap|moved to heap/.test(messageOf(d)) && new RegExp(`\\b${variable}\\b`).test(messageOf(d)),
    open: async (file) => {
      const uri = pathToFileURL(file).toString();
      await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: readFileSync(file, 'utf8') } });
      // Toggles the details on for the file's package directory (what the "Show compiler optimization details" code action runs).
      await rpc.sendRequest('workspace/executeCommand', { command: 'gopls.gc_details', arguments: [uri] });
    },
    idle: async () => {
      const deadline = performance.now() + IDLE_MAX_MS;
      while (performance.now() < deadline && (progress.size > 0 || performance.now() - lastActivity < QUIET_MS)) await sleep(50);
    },
    stop: async () => {
      if (proc.exitCode === null) {
        await Promise.race([rpc.sendRequest('shutdown').catch(() => undefined), sleep(5000)]);
        await rpc.sendNotification('exit').catch(() => undefined);
        await Promise.race([new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r))), sleep(5000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rpc.dispose();
    },
  };
}

/** A server on its own copy of the module, with the edited file open. */
interface Subject {
  side: Side;
  file: string;
  uri: string;
  original: string;
  version: number;
  /** Save → diagnostics of each counted round (Infinity: timed out). */
  times: number[];
  warmup: number;
}

/** Replaces the file on disk and in the server (full-text didChange, then didSave). */
async function save(s: Subject, text: string): Promise<number> {
  writeFileSync(s.file, text);
  const t0 = performance.now();
  await s.side.rpc.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri, version: ++s.version }, contentChanges: [{ text }] });
  await s.side.rpc.sendNotification('textDocument/didSave', { textDocument: { uri: s.uri } });
  return t0;
}

/** Bench-run nonce in the function names, so no build or results cache has seen an edited file before. */
const nonce = Date.now().toString(36);
let roundNo = 0;

/** One round: append a heap-moving function, save, time its diagnostic; restore the file and wait for idle. */
async function round(s: Subject): Promise<number> {
  const k = ++roundNo;
  const fn = `HeapscopeBench${nonce}_${k}`;
  const variable = `hsv${k}`;
  const edited = `${s.original}\nfunc ${fn}() *int { ${variable} := ${k}; return &${variable} }\n`;
  const line = edited.split('\n').findIndex((l) => l.startsWith(`func ${fn}(`));
  const got = s.side.published(s.uri, (p) => p.diagnostics.some((d) => d.range.start.line === line && s.side.movedToHeap(d, variable)), ROUND_TIMEOUT_MS);
  const t0 = await save(s, edited);
  const at = await got;
  const ms = at === null ? Infinity : at - t0;
  if (at === null) console.log(`${s.side.name}: round ${k} timed out after ${ROUND_TIMEOUT_MS / 1000} s (no "moved to heap" diagnostic for ${variable} on line ${line + 1})`);
  const restored = s.side.published(s.uri, (p) => s.side.hasCompilerDiagnostics(p) && !p.diagnostics.some((d) => messageOf(d).includes(variable)), ROUND_TIMEOUT_MS);
  await save(s, s.original);
  if ((await restored) === null) console.log(`${s.side.name}: the restored file's diagnostics did not come within ${ROUND_TIMEOUT_MS / 1000} s`);
  await s.side.idle();
  return ms;
}

/** Opens the file, waits for its compiler diagnostics and for the server to be idle. */
async function prepare(side: Side, dir: string, rel: string): Promise<Subject> {
  const file = path.join(dir, rel);
  const uri = pathToFileURL(file).toString();
  const t0 = performance.now();
  const first = side.published(uri, (p) => side.hasCompilerDiagnostics(p), IDLE_MAX_MS);
  await side.open(file);
  if ((await first) === null) throw new Error(`${side.name} published no compiler diagnostics for ${rel} within ${IDLE_MAX_MS / 1000} s`);
  const firstMs = performance.now() - t0;
  await side.idle();
  console.log(`${side.name}: first compiler diagnostics for ${rel} after ${(firstMs / 1000).toFixed(1)} s, idle after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { side, file, uri, original: readFileSync(file, 'utf8'), version: 1, times: [], warmup: NaN };
}

const fmt = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(0) : 'timeout');

/** Both servers on one package: one warm-up round each, then ROUNDS alternating rounds (Heapscope, gopls, Heapscope, …). */
async function measure(target: (typeof TARGETS)[number], gopls: string): Promise<BenchFigure> {
  const copy = (): string => moduleCopy(target.module, 'heapscope-gopls-bench-');
  const dirs = [copy(), copy()] as const;
  const sides: Side[] = [];
  try {
    // Dependencies into the module cache: gopls runs the compiler with GOPROXY=off.
    execFileSync('go', ['mod', 'download'], { cwd: dirs[0], stdio: 'ignore' });
    const hs = await heapscopeSide(dirs[0]);
    sides.push(hs);
    const h = await prepare(hs, dirs[0], target.file);
    const gp = await goplsSide(gopls, dirs[1]);
    sides.push(gp);
    const g = await prepare(gp, dirs[1], target.file);
    for (const s of [h, g]) s.warmup = await round(s);
    for (let i = 0; i < ROUNDS; i++) for (const s of [h, g]) s.times.push(await round(s));
    const [hsMed, gpMed] = [median(h.times), median(g.times)];
    const ratio = hsMed / gpMed;
    const load = os.loadavg().map((x) => x.toFixed(2));
    const rss = `peak RSS (VmHWM, server process only) Heapscope ${peakRss(hs.pid).toFixed(0)} MB, gopls ${peakRss(gp.pid).toFixed(0)} MB`;
    console.log(`${target.label}: Heapscope ${h.times.map(fmt).join(', ')} ms; gopls ${g.times.map(fmt).join(', ')} ms; ${rss}; load ${load.join(' ')}`);
    return {
      name: `save → compiler diagnostics vs gopls (${target.label}): Heapscope median`,
      value: hsMed,
      unit: 'ms',
      target: '≤ 0.5× gopls',
      pass: hsMed <= gpMed / 2,
      note:
        `gopls median ${fmt(gpMed)} ms, ratio ${ratio.toFixed(2)}×; N=${ROUNDS} rounds each, alternating, after one warm-up round each ` +
        `(Heapscope ${fmt(h.warmup)} ms, gopls ${fmt(g.warmup)} ms); Heapscope: ${h.times.map(fmt).join(', ')} ms; gopls: ${g.times.map(fmt).join(', ')} ms; ` +
        `${gp.version} with gopls.gc_details on the package, default settings (diagnosticsDelay 1 s); ${rss}; load average ${load.join(', ')}`,
    };
  } finally {
    for (const s of sides) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Runs the comparison on both packages; no figures when gopls cannot be installed. */
export async function run(): Promise<BenchFigure[]> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root });
  const gopls = installGopls();
  if ('error' in gopls) {
    console.log(`skipped: gopls ${GOPLS_VERSION} could not be installed (go install golang.org/x/tools/gopls@${GOPLS_VERSION}): ${gopls.error}`);
    return [];
  }
  const figures: BenchFigure[] = [];
  for (const target of TARGETS) figures.push(await measure(target, gopls.bin));
  return figures;
}
