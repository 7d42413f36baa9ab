// The language server through a real connection: the built dist/server.js over stdio, driven by
// vscode-jsonrpc as an editor would, on a temp copy of the example module and the real `go`.
// Every wait is on an event (diagnostics, status, process exit), never on a sleep.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { CompiledCodeResult, StatusParams } from '../../server/src/protocol';

const root = path.resolve(__dirname, '..', '..');

/** One server process and everything it sent. */
/** A fresh temporary copy of test-fixtures/<fixture>; `prefix` names the temporary directory. */
function fixtureCopy(fixture: string, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.join(root, 'test-fixtures', fixture), dir, { recursive: true });
  return dir;
}

class Client {
  readonly proc: ChildProcess;
  readonly rpc: MessageConnection;
  readonly events: Array<{ method: string; params: unknown; at: number }> = [];
  private waiters: Array<() => void> = [];
  settings: Record<string, unknown>;
  /** Settings per workspace folder URI (answers to scoped configuration items); others get `settings`. */
  folderSettings: Record<string, Record<string, unknown>> = {};
  stderr = '';

  constructor(settings: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env) {
    this.settings = settings;
    this.proc = spawn(process.execPath, [path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.proc.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.rpc = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    const record = (method: string, params: unknown): void => {
      this.events.push({ method, params, at: performance.now() });
      for (const w of this.waiters.splice(0)) w();
    };
    this.rpc.onNotification((method, params) => record(method, params));
    this.rpc.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string }> }) =>
      p.items.map((item) => (item.scopeUri !== undefined ? this.folderSettings[item.scopeUri] : undefined) ?? this.settings),
    );
    this.rpc.onRequest('window/workDoneProgress/create', (p) => {
      record('window/workDoneProgress/create', p);
      return null;
    });
    this.rpc.onRequest('client/registerCapability', (p) => {
      record('client/registerCapability', p);
      return null;
    });
    this.rpc.listen();
  }

  /** Waits until `pick` returns a value for some event after index `from`. */
  async waitFor<T>(pick: (e: { method: string; params: unknown; at: number }) => T | undefined, from = 0, timeoutMs = 60_000): Promise<{ value: T; at: number; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.events.length; i++) {
        const v = pick(this.events[i]!);
        if (v !== undefined) return { value: v, at: this.events[i]!.at, index: i };
      }
      if (Date.now() > deadline) throw new Error(`timed out; events: ${JSON.stringify(this.events.map((e) => e.method + ' ' + JSON.stringify(e.params).slice(0, 200)))}\nstderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  diagnosticsFor(uri: string, from = 0, when: (d: Diagnostic[]) => boolean = () => true): Promise<{ value: Diagnostic[]; at: number; index: number }> {
    return this.waitFor((e) => {
      if (e.method !== 'textDocument/publishDiagnostics') return undefined;
      const p = e.params as PublishDiagnosticsParams;
      return p.uri === uri && when(p.diagnostics) ? p.diagnostics : undefined;
    }, from);
  }

  statusAfter(from: number, state: StatusParams['state']): Promise<{ value: StatusParams; at: number; index: number }> {
    return this.waitFor((e) => (e.method === 'heapscope/status' && (e.params as StatusParams).state === state ? (e.params as StatusParams) : undefined), from);
  }

  async initialize(rootDir: string, folders: string[] = [rootDir]): Promise<void> {
    await this.rpc.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(rootDir).toString(),
      workspaceFolders: folders.map((f) => ({ uri: pathToFileURL(f).toString(), name: path.basename(f) })),
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { hover: { contentFormat: ['markdown'] }, codeAction: { resolveSupport: { properties: ['edit'] } }, publishDiagnostics: { relatedInformation: true } },
      },
      initializationOptions: this.settings,
    });
    await this.rpc.sendNotification('initialized', {});
  }

  exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.once('exit', (code) => resolve(code));
    });
  }

  /** Opens a Go document (version 1). */
  open(uri: string, text: string): Promise<void> {
    return this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    await this.rpc.sendRequest('shutdown').catch(() => undefined);
    await this.rpc.sendNotification('exit').catch(() => undefined);
    await this.exited();
    this.rpc.dispose();
  }
}

/** The text a diagnostic's range covers (ranges within one line, or across lines). */
function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  const { start, end } = d.range;
  if (start.line === end.line) return lines[start.line]!.slice(start.character, end.character);
  return [lines[start.line]!.slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line]!.slice(0, end.character)].join('\n');
}

/** go and compile processes that are children of pid (any depth). */
function goProcessesUnder(pid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([p, pp, c]) => ({ pid: Number(p), ppid: Number(pp), comm: c ?? '' }));
  const tree = new Set([pid]);
  for (let changed = true; changed;) {
    changed = false;
    for (const r of rows) {
      if (tree.has(r.ppid) && !tree.has(r.pid)) {
        tree.add(r.pid);
        changed = true;
      }
    }
  }
  return rows.filter((r) => tree.has(r.pid) && r.pid !== pid && /^(go|compile|asm|link|vet|cgo)$/.test(r.comm)).map((r) => `${r.pid} ${r.comm}`);
}

/** Polls a condition on the process table (which sends no events) until it holds or the time is up. */
async function untilTrue(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function allGoProcesses(): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,comm='], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => / (go|compile)$/.test(l));
}

let work = '';
let demoPath = '';
let demoUri = '';
let demoText = '';

before(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
  work = mkdtempSync(path.join(os.tmpdir(), 'heapscope-lsp-'));
  cpSync(path.join(root, 'test-fixtures', 'example'), work, { recursive: true });
  demoPath = path.join(work, 'demo.go');
  demoUri = pathToFileURL(demoPath).toString();
  demoText = readFileSync(demoPath, 'utf8');
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const isMoved = (d: Diagnostic): boolean => d.code === 'escape.moved';
const isMake = (d: Diagnostic, text: string): boolean => d.code === 'escape.heap' && textAt(text, d) === 'make([]byte, n)';

test('open, hover, edits, save, settings, shutdown', async () => {
  const c = new Client({});
  try {
    await c.initialize(work);
    await c.open(demoUri, demoText);
    const first = await c.diagnosticsFor(demoUri, 0, (ds) => ds.length > 0);
    const diags = first.value;
    // Ranges on the right nodes.
    const moved = diags.find((d) => isMoved(d) && textAt(demoText, d) === 'p');
    assert.ok(moved, `no moved-to-heap diagnostic on p: ${JSON.stringify(diags.map((d) => [d.code, textAt(demoText, d)]))}`);
    assert.equal(moved.range.start.line, 15);
    assert.equal(moved.source, 'heapscope');
    assert.match(String(moved.codeDescription?.href), /KINDS\.md#escape-moved$/);
    assert.ok((moved.relatedInformation ?? []).length >= 2, 'explanation steps as related information');
    assert.ok(
      diags.some((d) => isMake(d, demoText)),
      'make([]byte, n) is reported on the call',
    );
    // Hidden by default.
    assert.ok(!diags.some((d) => String(d.code).startsWith('noescape') || String(d.code).startsWith('inline')));
    // Progress and status were reported.
    assert.ok(c.events.some((e) => e.method === 'window/workDoneProgress/create'));
    const ok = await c.statusAfter(0, 'ok');
    assert.ok(ok.value.heapAllocations >= 3, JSON.stringify(ok.value));

    // Hover on p: plain words, numbered steps with links, the compiler's text.
    const hover = (await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri: demoUri }, position: moved.range.start })) as Hover;
    const md = (hover.contents as { value: string }).value;
    assert.match(md, /moved to the heap/);
    assert.match(md, /1\. \[demo\.go:17:9\]\(file:\/\/.*demo\.go#L17,9\)/);
    assert.match(md, /2\. \[demo\.go:17:2\]/);
    assert.match(md, /```text\nmoved to heap: p\n/);

    // Insert 3 lines at the top: shifted diagnostics before any recompile, within 50 ms.
    let mark = c.events.length;
    const t0 = performance.now();
    await c.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri: demoUri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// a\n// b\n// c\n' }],
    });
    const shifted = await c.diagnosticsFor(demoUri, mark);
    const edited = '// a\n// b\n// c\n' + demoText;
    const movedNow = shifted.value.find(isMoved)!;
    assert.equal(movedNow.range.start.line, 18);
    assert.equal(textAt(edited, movedNow), 'p');
    assert.ok(shifted.value.some((d) => isMake(d, edited)));
    assert.ok(shifted.at - t0 < 50, `shift published after ${shifted.at - t0} ms`);
    assert.ok(!c.events.slice(mark, shifted.index).some((e) => e.method === 'heapscope/status'), 'no recompile before the shift');

    // Delete the `buf := make([]byte, n)` line: its diagnostic goes, the others stay.
    const makeLine = edited.split('\n').findIndex((l) => l.includes('buf := make([]byte, n)'));
    mark = c.events.length;
    await c.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri: demoUri, version: 3 },
      contentChanges: [{ range: { start: { line: makeLine, character: 0 }, end: { line: makeLine + 1, character: 0 } }, text: '' }],
    });
    const afterDelete = await c.diagnosticsFor(demoUri, mark);
    const deleted = edited
      .split('\n')
      .filter((_, i) => i !== makeLine)
      .join('\n');
    assert.ok(!afterDelete.value.some((d) => d.code === 'escape.heap' && d.range.start.line === makeLine), 'the deleted make call has no diagnostic');
    for (const d of afterDelete.value) assert.notEqual(textAt(deleted, d), '', `empty range for ${d.code}`);
    assert.ok(afterDelete.value.some(isMoved));

    // Save the original text back: re-analysed, progress and status observed.
    writeFileSync(demoPath, demoText);
    mark = c.events.length;
    await c.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri: demoUri, version: 4 },
      contentChanges: [{ text: demoText }],
    });
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri: demoUri } });
    await c.statusAfter(mark, 'analysing');
    await c.statusAfter(mark, 'ok');
    const saved = await c.diagnosticsFor(demoUri, mark, (ds) => ds.some((d) => isMake(d, demoText)));
    assert.ok(saved.value.some((d) => isMoved(d) && textAt(demoText, d) === 'p'));
    assert.ok(c.events.slice(mark).some((e) => e.method === 'window/workDoneProgress/create'));

    // Settings: enable noescape → re-published with noescape diagnostics, no recompile needed.
    mark = c.events.length;
    c.settings = { kinds: { noescape: { enabled: true, severity: 'hint' } } };
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const withNoescape = await c.diagnosticsFor(demoUri, mark, (ds) => ds.some((d) => d.code === 'noescape'));
    const ne = withNoescape.value.find((d) => d.code === 'noescape')!;
    assert.equal(ne.severity, 4, 'hint severity');
    const neHover = (await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri: demoUri }, position: ne.range.start })) as Hover | null;
    assert.match((neHover!.contents as { value: string }).value, /does not escape/);

    // Raw compiler output of the package.
    const raw = (await c.rpc.sendRequest('heapscope/compilerOutput', { uri: demoUri })) as { text: string; packagePath: string };
    assert.match(raw.text, /moved to heap: p/);
    assert.match(raw.packagePath, /heapdemo/);

    // Shutdown + exit ends the process.
    await c.rpc.sendRequest('shutdown');
    await c.rpc.sendNotification('exit');
    assert.equal(await c.exited(), 0);
  } finally {
    await c.stop();
  }
});

test('cancellation: saves during a long compile leave no go process behind', async () => {
  // A slow package: a large generated file keeps the compiler busy for a while.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-cancel-'));
  writeFileSync(path.join(dir, 'go.mod'), 'module example.com/slow\n\ngo 1.21\n');
  const funcs = Array.from({ length: 3000 }, (_, i) => `func F${i}(n int) *[]int { s := make([]int, n); s = append(s, ${i}); return &s }`).join('\n');
  writeFileSync(path.join(dir, 'slow.go'), `package slow\n\n${funcs}\n`);
  const uri = pathToFileURL(path.join(dir, 'slow.go')).toString();
  const c = new Client({ env: { GOFLAGS: '-a' } });
  try {
    await c.initialize(dir);
    await c.open(uri, readFileSync(path.join(dir, 'slow.go'), 'utf8'));
    await c.statusAfter(0, 'analysing');
    // Wait until a compiler process exists, then supersede the run twice.
    const running = await untilTrue(() => goProcessesUnder(c.proc.pid!).length > 0, 30_000);
    assert.ok(running, 'a go process was running');
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await c.rpc.sendRequest('shutdown');
    assert.deepEqual(goProcessesUnder(c.proc.pid!), [], 'no go process left after shutdown');
    await c.rpc.sendNotification('exit');
    await c.exited();
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('save-first: a saved non-test file shows the package alone before its test variant compiles', async () => {
  // The go command goes through a wrapper that holds every compile with the test variant (-test)
  // until a gate file exists: while the gate is closed the test variant cannot finish, so the
  // saved file's new diagnostics can only come from a compile of the package alone.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-savefirst-'));
  const gate = path.join(dir, 'gate');
  const realGo = path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'bin', 'go');
  const wrapper = path.join(dir, 'go-gated');
  writeFileSync(wrapper, `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = "-test" ]; then\n    while [ ! -e '${gate}' ]; do sleep 0.05; done\n  fi\ndone\nexec '${realGo}' "$@"\n`, { mode: 0o755 });
  const mod = path.join(dir, 'mod');
  mkdirSync(mod);
  writeFileSync(path.join(mod, 'go.mod'), 'module example.com/savefirst\n\ngo 1.21\n');
  const lib = path.join(mod, 'lib.go');
  const libText = 'package lib\n\nfunc Keep(n int) []byte { return make([]byte, n) }\n';
  writeFileSync(lib, libText);
  const libTest = path.join(mod, 'lib_test.go');
  const libTestText = 'package lib\n\nimport "testing"\n\nvar sink *int\n\nfunc TestKeep(t *testing.T) { sink = new(int); _ = Keep(1) }\n';
  writeFileSync(libTest, libTestText);
  const libUri = pathToFileURL(lib).toString();
  const libTestUri = pathToFileURL(libTest).toString();
  const covers = (text: string, snippet: string) => (ds: Diagnostic[]) => ds.some((d) => textAt(text, d) === snippet);
  writeFileSync(gate, '');
  const c = new Client({ goPath: wrapper });
  try {
    await c.initialize(mod);
    await c.open(libUri, libText);
    await c.open(libTestUri, libTestText);
    await c.diagnosticsFor(libUri, 0, covers(libText, 'make([]byte, n)'));
    await c.diagnosticsFor(libTestUri, 0, covers(libTestText, 'new(int)'));
    await c.statusAfter(0, 'ok');
    // Close the gate, then edit and save lib.go: a new allocation.
    rmSync(gate);
    const edited = libText + '\nfunc Extra(n int) []int { return make([]int, n) }\n';
    writeFileSync(lib, edited);
    const mark = c.events.length;
    await c.rpc.sendNotification('textDocument/didChange', { textDocument: { uri: libUri, version: 2 }, contentChanges: [{ text: edited }] });
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri: libUri } });
    const saved = await c.diagnosticsFor(libUri, mark, covers(edited, 'make([]int, n)'));
    assert.ok(covers(edited, 'make([]byte, n)')(saved.value), 'the old finding is still there');
    // The test variant is still held at the gate: the test file keeps the findings it had.
    const testPublishes = c.events.slice(mark).filter((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).uri === libTestUri);
    assert.ok(
      testPublishes.every((e) => covers(libTestText, 'new(int)')((e.params as PublishDiagnosticsParams).diagnostics)),
      'the test file keeps its findings while its variant compiles',
    );
    // Open the gate: the test variant's compile finishes and the package is shown with it.
    const opened = c.events.length;
    writeFileSync(gate, '');
    await c.statusAfter(opened, 'ok');
    const last = [...c.events].reverse().find((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).uri === libTestUri);
    assert.ok(last && covers(libTestText, 'new(int)')((last.params as PublishDiagnosticsParams).diagnostics));
  } finally {
    writeFileSync(gate, '');
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('untrusted: no go process is ever started, status says untrusted', async () => {
  const before = new Set(allGoProcesses());
  const c = new Client({ trusted: false });
  const seen: string[] = [];
  const poll = setInterval(() => seen.push(...goProcessesUnder(c.proc.pid!)), 5);
  try {
    await c.initialize(work);
    await c.open(demoUri, demoText);
    await c.statusAfter(0, 'untrusted');
    await c.rpc.sendRequest('workspace/executeCommand', { command: 'heapscope.analyzePackage', arguments: [demoUri] });
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri: demoUri } });
    const hover = await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri: demoUri }, position: { line: 15, character: 1 } });
    assert.equal(hover, null);
    const asm = (await c.rpc.sendRequest('heapscope/compiledCode', { uri: demoUri, position: { line: 15, character: 2 } })) as CompiledCodeResult;
    assert.equal(asm.text, '');
    assert.match(asm.message ?? '', /not trusted/);
    assert.ok(!c.events.some((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).diagnostics.length > 0));
    assert.deepEqual(seen, []);
    assert.deepEqual(
      allGoProcesses().filter((p) => !before.has(p)),
      [],
    );
  } finally {
    clearInterval(poll);
    await c.stop();
  }
});

test('compiled code: the function under the cursor, allocator calls marked and linked to their source line', async () => {
  const c = new Client({});
  try {
    await c.initialize(work);
    await c.open(demoUri, demoText);
    await c.statusAfter(0, 'ok');
    const ask = async (line: number, character: number): Promise<CompiledCodeResult> =>
      (await c.rpc.sendRequest('heapscope/compiledCode', { uri: demoUri, position: { line, character } })) as CompiledCodeResult;
    // Inside NewPoint: `p := Point{X: x, Y: y}` (line 16) calls runtime.newobject.
    const lines = demoText.split('\n');
    const decl = lines.indexOf('func NewPoint(x, y int) *Point {');
    const got = await ask(decl + 1, 2);
    assert.equal(got.message, undefined, got.message);
    assert.equal(got.function, 'NewPoint');
    assert.equal(got.packagePath, 'example.com/heapdemo');
    const docLines = got.text.split('\n');
    assert.match(docLines[0]!, /^\/\/ NewPoint \(example\.com\/heapdemo\)/);
    const call = docLines.findIndex((l) => /\tCALL runtime\.newobject {2}\/\/ allocates$/.test(l));
    assert.ok(call > 0, got.text);
    const link = got.links.find((l) => l.line === call);
    assert.deepEqual(link && { file: link.file, fileLine: link.fileLine }, { file: demoPath, fileLine: decl + 2 });
    assert.ok(got.allocatorCalls >= 1);
    // The source line heading the call's run of instructions is the line the user wrote.
    const heads = docLines.slice(0, call).filter((l) => l.startsWith('// demo.go:'));
    assert.equal(heads[heads.length - 1], `// demo.go:${decl + 2}  p := Point{X: x, Y: y}`);
    // Inside a func literal: the named function around it, with the closure.
    const counter = lines.indexOf('func Counter() func() int {');
    const lit = await ask(counter + 3, 3);
    assert.equal(lit.function, 'Counter');
    assert.ok(lit.text.includes('TEXT example.com/heapdemo.Counter.func1(SB) demo.go'), lit.text);
    // Outside every function.
    const outside = await ask(0, 0);
    assert.equal(outside.text, '');
    assert.match(outside.message ?? '', /not in a function/);
  } finally {
    await c.stop();
  }
});

test('compiled code: an allocation inlined from another package links to the call the user wrote', async () => {
  const truth = fixtureCopy('truth', 'heapscope-asm-');
  const file = path.join(truth, 'truth.go');
  const uri = pathToFileURL(file).toString();
  const text = readFileSync(file, 'utf8');
  const c = new Client({});
  try {
    await c.initialize(truth);
    await c.open(uri, text);
    await c.statusAfter(0, 'ok');
    const lines = text.split('\n');
    // `sb.WriteString(p)`: strings.(*Builder).WriteString is inlined, its growslice positioned in builder.go.
    const write = lines.findIndex((l) => l.trim() === 'sb.WriteString(p)');
    assert.ok(write > 0);
    const got = (await c.rpc.sendRequest('heapscope/compiledCode', { uri, position: { line: write, character: 4 } })) as CompiledCodeResult;
    assert.equal(got.function, 'Builder', got.message);
    const docLines = got.text.split('\n');
    const call = docLines.findIndex((l) => l.includes('CALL runtime.growslice'));
    assert.ok(call > 0, got.text);
    assert.match(docLines[call]!, new RegExp(`\\(inlined, called at truth\\.go:${write + 1}\\)$`));
    const link = got.links.find((l) => l.line === call);
    assert.deepEqual(link && { file: link.file, fileLine: link.fileLine }, { file, fileLine: write + 1 });
  } finally {
    await c.stop();
    rmSync(truth, { recursive: true, force: true });
  }
});

test('bad input: outside a module, missing go, compile error kept stale', async () => {
  const loose = mkdtempSync(path.join(os.tmpdir(), 'heapscope-loose-'));
  writeFileSync(path.join(loose, 'x.go'), 'package x\n');
  const c = new Client({ goPath: '/nonexistent/go' });
  try {
    await c.initialize(loose);
    await c.open(pathToFileURL(path.join(loose, 'x.go')).toString(), 'package x\n');
    const nim = await c.statusAfter(0, 'notInModule');
    assert.match(nim.value.message, /not inside a Go module/);
    await c.open(demoUri, demoText);
    const noGo = await c.statusAfter(0, 'noGo');
    assert.match(noGo.value.message, /\/nonexistent\/go/);
    // Good go again → ok; then break the file on disk and save → stale results + the compile error.
    let mark = c.events.length;
    c.settings = {};
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.statusAfter(mark, 'ok');
    const broken = demoText.replace('return &p', 'return &p +');
    writeFileSync(demoPath, broken);
    mark = c.events.length;
    await c.rpc.sendNotification('textDocument/didChange', { textDocument: { uri: demoUri, version: 2 }, contentChanges: [{ text: broken }] });
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri: demoUri } });
    await c.statusAfter(mark, 'stale');
    const ds = await c.diagnosticsFor(demoUri, mark, (d) => d.some((x) => x.code === 'build'));
    assert.ok(ds.value.some((d) => d.code === 'build' && d.severity === 1));
    assert.ok(ds.value.some((d) => d.code === 'escape.heap' && /stale: package does not compile/.test(String(d.message))));
    // The compiled code is the last good compile's, and says so.
    const decl = demoText.split('\n').indexOf('func Buffer(n int) []byte {');
    const asm = (await c.rpc.sendRequest('heapscope/compiledCode', { uri: demoUri, position: { line: decl + 1, character: 2 } })) as CompiledCodeResult;
    assert.equal(asm.function, 'Buffer', asm.message);
    assert.match(asm.text, /^\/\/ The package does not compile now: this is the code of its last compile that did\.$/m);
    assert.match(asm.text, /CALL runtime\.makeslice {2}\/\/ allocates$/m);
  } finally {
    writeFileSync(demoPath, demoText);
    await c.stop();
    rmSync(loose, { recursive: true, force: true });
  }
});

/** Applies a workspace edit's changes for one document to its text (LSP ranges, UTF-16). */
function applyWorkspaceEdit(text: string, uri: string, edit: { changes?: Record<string, Array<{ range: Diagnostic['range']; newText: string }>> } | undefined): string {
  const edits = edit?.changes?.[uri] ?? [];
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }): number => (starts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** gofmt -l and go build on a module directory: both must be clean. */
function assertFormattedAndBuilds(dir: string): void {
  assert.equal(execFileSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' }), '', 'gofmt -l lists no file');
  execFileSync('go', ['build', './...'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
}

interface ActionLike {
  title: string;
  kind?: string;
  data?: { fixId?: string; keys?: string[] };
  edit?: { changes?: Record<string, Array<{ range: Diagnostic['range']; newText: string }>> };
}

test('fixes: quick fix and fix-all through code actions, tracked through edits', async () => {
  const dir = fixtureCopy('example', 'heapscope-fixes-');
  const file = path.join(dir, 'demo.go');
  const uri = pathToFileURL(file).toString();
  const text = readFileSync(file, 'utf8');
  const c = new Client({});
  try {
    await c.initialize(dir);
    await c.open(uri, text);
    const got = await c.diagnosticsFor(uri, 0, (ds) => ds.some((d) => d.code === 'loopvar.capture'));
    const capture = got.value.find((d) => d.code === 'loopvar.capture')!;
    assert.equal(capture.severity, 2, 'copy-loop-var is a warning');
    assert.ok(
      got.value.some((d) => d.code === 'prealloc.slice' && d.severity === 4),
      'prealloc is a hint without a profile',
    );
    assert.deepEqual((capture.data as { fixIds: string[] }).fixIds, ['copy-loop-var']);
    const sumAsyncLine = text.split('\n').findIndex((l) => l.includes('func SumAsync'));
    assert.ok(capture.range.start.line > sumAsyncLine && capture.range.start.line < sumAsyncLine + 15, JSON.stringify(capture.range));

    // Quick fix, resolved lazily (the client announced resolveSupport for edits).
    const actions = (await c.rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: capture.range,
      context: { diagnostics: [capture], only: ['quickfix'] },
    })) as ActionLike[];
    const quick = actions.find((a) => a.data?.fixId === 'copy-loop-var');
    assert.ok(quick, JSON.stringify(actions));
    assert.equal(quick.edit, undefined, 'edit computed in codeAction/resolve');
    const resolved = (await c.rpc.sendRequest('codeAction/resolve', quick)) as ActionLike;
    const fixed = applyWorkspaceEdit(text, uri, resolved.edit);
    const lines = fixed.split('\n');
    const loop = lines.findIndex((l) => l.includes('for i := 0; i < len(xs); i++ {'));
    assert.equal(lines[loop + 1], '\t\ti := i', 'first statement of the loop body');
    writeFileSync(file, fixed);
    assertFormattedAndBuilds(dir);
    writeFileSync(file, text);

    // Fix all: every fix of the file, none conflicting.
    const all = (await c.rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.heapscope'] },
    })) as ActionLike[];
    assert.equal(all.length, 1);
    assert.equal(all[0]!.kind, 'source.fixAll.heapscope');
    const allResolved = (await c.rpc.sendRequest('codeAction/resolve', all[0])) as ActionLike;
    const allFixed = applyWorkspaceEdit(text, uri, allResolved.edit);
    assert.match(allFixed, /\n\t\ti := i\n/);
    assert.match(allFixed, /out := make\(\[\]int, 0, len\(xs\)\)|var out = make\(\[\]int, 0, len\(xs\)\)|make\(\[\]int, 0, len\(xs\)\)/);
    assert.match(allFixed, /make\(map\[string\]\*Point, len\(keys\)\)/);
    const keys = all[0]!.data?.keys ?? [];
    for (const kind of ['loopvar.capture', 'prealloc.slice', 'prealloc.map'])
      assert.ok(
        keys.some((k) => k.startsWith(kind + '#')),
        `${kind} in fix-all: ${JSON.stringify(keys)}`,
      );
    writeFileSync(file, allFixed);
    assertFormattedAndBuilds(dir);
    writeFileSync(file, text);

    // An edit above moves the fix with its code; the resolved edit lands on the new lines.
    let mark = c.events.length;
    await c.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// x\n// y\n' }],
    });
    const shifted = await c.diagnosticsFor(uri, mark);
    const capture2 = shifted.value.find((d) => d.code === 'loopvar.capture')!;
    assert.equal(capture2.range.start.line, capture.range.start.line + 2);
    const text2 = '// x\n// y\n' + text;
    const again = (await c.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: capture2.range, context: { diagnostics: [capture2], only: ['quickfix'] } })) as ActionLike[];
    const quick2 = (await c.rpc.sendRequest(
      'codeAction/resolve',
      again.find((a) => a.data?.fixId === 'copy-loop-var'),
    )) as ActionLike;
    const fixed2 = applyWorkspaceEdit(text2, uri, quick2.edit);
    assert.equal(fixed2, '// x\n// y\n' + fixed);

    // An edit inside the loop (between the loop and the closure) withdraws the fix until the next compile.
    const wgLine = text2.split('\n').findIndex((l) => l.includes('wg.Add(1)'));
    mark = c.events.length;
    await c.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: wgLine, character: 2 }, end: { line: wgLine, character: 4 } }, text: 'wg' }],
    });
    const touched = await c.diagnosticsFor(uri, mark);
    const capture3 = touched.value.find((d) => d.code === 'loopvar.capture');
    assert.ok(capture3, 'the diagnostic itself stays');
    assert.deepEqual((capture3.data as { fixIds?: string[] }).fixIds ?? [], [], 'no live fix offered');
    const none = (await c.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: capture3.range, context: { diagnostics: [capture3], only: ['quickfix'] } })) as ActionLike[];
    assert.deepEqual(none, []);
    const allAfter = (await c.rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: capture3.range,
      context: { diagnostics: [], only: ['source.fixAll.heapscope'] },
    })) as ActionLike[];
    assert.ok(!(allAfter[0]?.data?.keys ?? []).some((k) => k.startsWith('loopvar.capture#')), 'fix-all leaves the touched fix out');
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('profiles: severities follow the profile, hover cost, inlay hints, top sites, bad profiles keep what was loaded', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-profile-lsp-'));
  const other = mkdtempSync(path.join(os.tmpdir(), 'heapscope-profile-other-'));
  cpSync(path.join(root, 'test-fixtures', 'profiled'), dir, { recursive: true, filter: (src) => !src.endsWith('.test') });
  cpSync(path.join(root, 'test-fixtures', 'example'), other, { recursive: true });
  const prof = path.join(dir, 'prof');
  execFileSync('mkdir', ['-p', prof]);
  const goTest = (cwd: string, extra: string[]): void => {
    execFileSync('go', ['test', '-run', '^$', '-bench', '.', '-benchtime', '200x', '-memprofilerate=1', ...extra], { cwd, stdio: 'pipe' });
  };
  goTest(dir, ['-memprofile', path.join(prof, 'mem.pprof'), '-cpuprofile', path.join(prof, 'cpu.pprof')]);
  goTest(other, ['-memprofile', path.join(prof, 'other.pprof')]);
  const good = readFileSync(path.join(prof, 'mem.pprof'));
  writeFileSync(path.join(prof, 'truncated.pprof'), good.subarray(0, Math.floor(good.length / 2)));
  writeFileSync(path.join(prof, 'notes.pprof'), 'this is not a profile\n');

  const file = path.join(dir, 'alloc.go');
  const uri = pathToFileURL(file).toString();
  const text = readFileSync(file, 'utf8');
  const makeLine = text.split('\n').findIndex((l) => l.includes('return make([]byte, n)'));
  const appendLine = text.split('\n').findIndex((l) => l.includes('xs = append(xs, i)'));
  const c = new Client({});
  const onMake = (ds: Diagnostic[]): Diagnostic | undefined => ds.find((d) => d.code === 'escape.heap' && d.range.start.line === makeLine);
  try {
    await c.initialize(dir);
    await c.open(uri, text);
    const before = await c.diagnosticsFor(uri, 0, (ds) => onMake(ds) !== undefined);
    assert.equal(onMake(before.value)!.severity, 3, 'information without a profile');

    assert.equal(before.value.find((d) => d.code === 'prealloc.slice')?.severity, 4, 'prealloc is a hint without a profile');
    assert.ok(before.value.some((d) => d.severity !== 3 && d.severity !== 4) === false, 'nothing above information without a profile');

    // Load through the setting: the hot make() becomes a warning, and so does the prealloc hint on
    // the append line the profile shows allocating (evidence first); cold lines become hints.
    let mark = c.events.length;
    c.settings = { profiles: ['prof/mem.pprof'] };
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const withProfile = await c.diagnosticsFor(uri, mark, (ds) => onMake(ds)?.severity === 2);
    const summary = JSON.stringify(withProfile.value.map((d) => [d.code, d.range.start.line, d.severity]));
    assert.ok(
      withProfile.value.some((d) => d.code === 'prealloc.slice' && d.range.start.line === appendLine && d.severity === 2),
      summary,
    );
    assert.ok(
      withProfile.value.some((d) => d.severity === 4 && d.code === 'escape.heap'),
      `some escape is cold: ${summary}`,
    );
    const status = await c.waitFor((e) => (e.method === 'heapscope/status' && (e.params as StatusParams).profile ? (e.params as StatusParams) : undefined), mark);
    assert.match(status.value.profile!.text, /mem\.pprof: .*(B|kB|MB) · .* objects \(alloc_space\)/);
    assert.equal(status.value.profile!.sampleType, 'alloc_space');

    const hoverAt = async (): Promise<string> => {
      const h = (await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: onMake(withProfile.value)!.range.start })) as Hover;
      return (h.contents as { value: string }).value;
    };
    const md = await hoverAt();
    assert.match(md, /\*\*Cost\*\*: [\d.]+ (B|kB|MB) · [\d.]+( K)? objects · [\d.]+% of alloc_space/);
    assert.match(md, /Top call paths:\n\n1\. .*MakeBuffer \(alloc\.go:\d+\)/);

    const hints = (await c.rpc.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } } })) as Array<{
      position: { line: number };
      label: string;
    }>;
    assert.ok(
      hints.some((h) => h.position.line === makeLine && /% of alloc_space$/.test(h.label)),
      JSON.stringify(hints),
    );

    const top = (await c.rpc.sendRequest('heapscope/topAllocationSites', { limit: 20 })) as { sites: Array<{ uri: string; line: number; share: number; label: string }> };
    assert.ok(top.sites.length >= 3);
    for (let i = 1; i < top.sites.length; i++) assert.ok(top.sites[i - 1]!.share >= top.sites[i]!.share, 'sorted by share');
    assert.ok(top.sites.some((s) => s.uri === uri && s.line === makeLine));

    // Bad profiles: a clear message, and the loaded profile stays in use.
    const bad: Array<[string, RegExp]> = [
      ['prof/notes.pprof', /not a pprof profile/],
      ['prof/truncated.pprof', /truncated|corrupt|unexpected end/i],
      ['prof/cpu.pprof', /CPU profile|sample types|allocation profile/i],
      ['prof/other.pprof', /0% mapped|another program/],
    ];
    for (const [name, why] of bad) {
      mark = c.events.length;
      c.settings = { profiles: [name] };
      await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const msg = await c.waitFor((e) => (e.method === 'window/showMessage' ? (e.params as { type: number; message: string }) : undefined), mark);
      assert.equal(msg.value.type, 2, 'a warning');
      assert.match(msg.value.message, why, name);
      assert.ok(
        !c.events.slice(mark).some((e) => e.method === 'textDocument/publishDiagnostics' && onMake((e.params as PublishDiagnosticsParams).diagnostics)?.severity !== 2),
        `${name}: earlier results stay`,
      );
      assert.match(await hoverAt(), /\*\*Cost\*\*/, `${name}: the loaded profile is still in use`);
    }

    // Clear Profile: back to the severities without a profile.
    mark = c.events.length;
    await c.rpc.sendRequest('workspace/executeCommand', { command: 'heapscope.clearProfile', arguments: [] });
    await c.diagnosticsFor(uri, mark, (ds) => onMake(ds)?.severity === 3 && ds.find((d) => d.code === 'prealloc.slice')?.severity === 4);
    // Load Allocation Profile… (the client sends the chosen path).
    mark = c.events.length;
    await c.rpc.sendRequest('workspace/executeCommand', { command: 'heapscope.loadProfile', arguments: [path.join(prof, 'mem.pprof')] });
    await c.diagnosticsFor(uri, mark, (ds) => onMake(ds)?.severity === 2);

    // A second build configuration (-l) keeps the first one's results cached. Loading a profile
    // then re-publishes the open file once, from the configuration in use, not once per cached one.
    mark = c.events.length;
    c.settings = { gcflags: ['-l'] };
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const analysing = await c.statusAfter(mark, 'analysing');
    const done = await c.statusAfter(analysing.index, 'ok');
    // The status names its package's directory: the client's status bar shows the active file's package.
    assert.equal(analysing.value.dir, dir);
    assert.equal(done.value.dir, dir);
    mark = c.events.length;
    await c.rpc.sendRequest('workspace/executeCommand', { command: 'heapscope.loadProfile', arguments: [path.join(prof, 'mem.pprof')] });
    const loaded = await c.waitFor((e) => (e.method === 'heapscope/status' && (e.params as StatusParams).profile ? true : undefined), mark);
    const publishes = c.events.slice(mark, loaded.index).filter((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).uri === uri);
    assert.equal(publishes.length, 1, JSON.stringify(publishes.map((e) => (e.params as PublishDiagnosticsParams).diagnostics.length)));

    // New thresholds re-join the profile and re-publish the file once (the hover's answer comes
    // after every notification the settings change sent).
    mark = c.events.length;
    c.settings = { gcflags: ['-l'], severityThresholds: { warning: 0.99, information: 0.001 } };
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.diagnosticsFor(uri, mark, (ds) => onMake(ds)?.severity === 3);
    await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: makeLine, character: 0 } });
    const rethreshold = c.events.slice(mark).filter((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).uri === uri);
    assert.equal(rethreshold.length, 1);
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});

test('stress: 100 edits a second for 10 seconds, syntax errors mid-edit, a file over 1 MB — the server stays responsive and never misplaces a squiggle', async (t) => {
  const dir = fixtureCopy('example', 'heapscope-lsp-stress-');
  const uri = pathToFileURL(path.join(dir, 'demo.go')).toString();
  const original = readFileSync(path.join(dir, 'demo.go'), 'utf8');
  // A generated file of the same package, over 1 MB.
  const big = ['package heapdemo', ''];
  for (let i = 0, size = 0; size < 1_100_000; i++) {
    const fn = [`// Big${i} returns a pointer to a local.`, `func Big${i}() *int {`, `\tv := ${i}`, '\treturn &v', '}', ''];
    big.push(...fn);
    size += fn.join('\n').length + 1;
  }
  writeFileSync(path.join(dir, 'big.go'), big.join('\n'));
  const c = new Client({});
  try {
    await c.initialize(dir);
    await c.open(uri, original);
    const first = await c.diagnosticsFor(uri, 0, (ds) => ds.some(isMoved));
    const pAt = first.value.find((d) => isMoved(d) && textAt(original, d) === 'p');
    assert.ok(pAt);
    const bigUri = pathToFileURL(path.join(dir, 'big.go')).toString();
    await c.open(bigUri, big.join('\n'));

    // The load: a cycle of four edits at the top of demo.go, two of them leaving a syntax error
    // (`func (`), paced at 100 a second; a hover on `p` every tenth edit, at its current line.
    const cycle = [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// tick\n', shift: 1 },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'func (\n', shift: 2 },
      { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '', shift: 1 },
      { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '', shift: 0 },
    ];
    const latencies: number[] = [];
    const hovers: Array<Promise<void>> = [];
    let version = 1;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) {
      const e = cycle[i % 4]!;
      await c.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: e.range, text: e.text }] });
      if (i % 10 === 0) {
        const h0 = performance.now();
        hovers.push(
          (c.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: pAt.range.start.line + e.shift, character: pAt.range.start.character } }) as Promise<Hover | null>).then(
            (h) => {
              latencies.push(performance.now() - h0);
              assert.match((h?.contents as { value: string } | undefined)?.value ?? '', /moved to the heap/, `hover on p after edit ${i}`);
            },
          ),
        );
      }
      // Pace the generator at 100 edits a second (this paces the load; no result is awaited by it).
      const due = started + (i + 1) * 10;
      if (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    await Promise.all(hovers);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99) - 1] ?? Infinity;
    t.diagnostic(
      `1000 edits in ${((performance.now() - started) / 1000).toFixed(1)} s; ${latencies.length} hovers, median ${latencies[latencies.length >> 1]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies[latencies.length - 1]?.toFixed(1)} ms`,
    );
    assert.equal(latencies.length, 100);
    assert.ok(p99 < 500, `hover p99 under the load: ${p99} ms`);

    // Back to the original text: the last published diagnostics sit exactly where they began.
    const settled = await c.diagnosticsFor(uri, 0, (ds) => ds.some((d) => isMoved(d) && d.range.start.line === pAt.range.start.line && textAt(original, d) === 'p'));
    for (const d of settled.value) assert.notEqual(textAt(original, d).trim(), '', `a squiggle on real code: ${JSON.stringify(d.range)}`);
    // The big file was analysed with its package and got diagnostics, and the server is still alive.
    const bigDiags = await c.diagnosticsFor(bigUri, 0, (ds) => ds.length > 0);
    assert.ok(bigDiags.value.some((d) => d.code === 'escape.moved'));
    assert.ok(bigDiags.value.length <= 2500, `a generated file's diagnostics are capped: ${bigDiags.value.length}`);
    // More than 1,000 diagnostics: their explanation steps are left to the hover (each publish stays small).
    assert.ok(bigDiags.value.length > 1000, `the generated file has over 1,000 diagnostics: ${bigDiags.value.length}`);
    assert.ok(
      bigDiags.value.every((d) => d.relatedInformation === undefined),
      'no related information in a document with over 1,000 diagnostics',
    );
    const bigMoved = bigDiags.value.find((d) => d.code === 'escape.moved')!;
    const bigHover = (await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: bigMoved.range.start })) as Hover | null;
    assert.match((bigHover?.contents as { value: string } | undefined)?.value ?? '', /\n1\. /, 'the hover lists the steps');
    assert.equal(c.proc.exitCode, null);
    assert.equal(readFileSync(path.join(dir, 'demo.go'), 'utf8'), original, 'the user’s file on disk is never touched');
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explanation steps after non-ASCII text point at the right characters (byte columns → UTF-16)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-lsp-utf8-'));
  writeFileSync(path.join(dir, 'go.mod'), 'module u8\n\ngo 1.21\n');
  const text = 'package u8\n\ntype T struct{ A int }\n\nfunc F() *T {\n\ts := "größe 😀"; t := &T{A: len(s)}\n\treturn t\n}\n';
  writeFileSync(path.join(dir, 'u.go'), text);
  const uri = pathToFileURL(path.join(dir, 'u.go')).toString();
  const c = new Client({});
  try {
    await c.initialize(dir);
    await c.open(uri, text);
    const got = await c.diagnosticsFor(uri, 0, (ds) => ds.some((d) => d.code === 'escape.heap'));
    const d = got.value.find((x) => x.code === 'escape.heap');
    assert.ok(d);
    assert.equal(textAt(text, d), '&T{A: len(s)}', 'the diagnostic covers the composite literal');
    const line = text.split('\n')[5]!;
    const steps = d.relatedInformation ?? [];
    const spill = steps.find((r) => r.message.includes('&T{...}') && r.message.includes('temporary'));
    assert.ok(spill, JSON.stringify(steps.map((r) => r.message)));
    // The compiler says byte column 28; in UTF-16 the `&` is at index 24 (ö, ß: 2 bytes, 1 unit; 😀: 4 bytes, 2 units).
    assert.equal(spill.location.range.start.character, line.indexOf('&'));
    const assign = steps.find((r) => r.message.includes('t := &T'));
    assert.equal(assign?.location.range.start.character, line.lastIndexOf(':='));
    // The hover's step links: the label keeps the compiler's byte column, the link jumps to the character.
    const hover = (await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
    const md = (hover.contents as { value: string }).value;
    assert.ok(md.includes(`[u.go:6:28](${uri}#L6,${line.indexOf('&') + 1})`), md);
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('multi-root: each workspace folder analyses and shows with its own settings; folders come and go', async () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'heapscope-multi-'));
  const dirA = path.join(parent, 'a');
  const dirB = path.join(parent, 'b');
  cpSync(path.join(root, 'test-fixtures', 'example'), dirA, { recursive: true });
  cpSync(path.join(root, 'test-fixtures', 'example'), dirB, { recursive: true });
  const uriA = pathToFileURL(path.join(dirA, 'demo.go')).toString();
  const uriB = pathToFileURL(path.join(dirB, 'demo.go')).toString();
  const folderA = pathToFileURL(dirA).toString();
  const folderB = pathToFileURL(dirB).toString();
  const c = new Client({});
  const has = (ds: Diagnostic[], family: string): boolean => ds.some((d) => String(d.code).startsWith(family));
  const publishedFor = (uri: string, from: number, to: number): boolean =>
    c.events.slice(from, to).some((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).uri === uri);
  try {
    c.folderSettings = { [folderA]: { kinds: { noescape: { enabled: true } } }, [folderB]: {} };
    await c.initialize(parent, [dirA, dirB]);
    // The server asks for the window and for each folder by its URI.
    await c.open(uriA, demoText);
    const a1 = await c.diagnosticsFor(uriA, 0, (ds) => ds.length > 0);
    await c.open(uriB, demoText);
    const b1 = await c.diagnosticsFor(uriB, 0, (ds) => ds.length > 0);
    assert.ok(has(a1.value, 'noescape'), 'folder A enables noescape');
    assert.ok(!has(b1.value, 'noescape'), 'folder B does not');
    assert.ok(b1.value.some(isMoved) && a1.value.some(isMoved));

    // B's settings change: B is re-published with noescape, A is not touched.
    let mark = c.events.length;
    c.folderSettings[folderB] = { kinds: { noescape: { enabled: true, severity: 'hint' } } };
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const b2 = await c.diagnosticsFor(uriB, mark);
    assert.ok(has(b2.value, 'noescape'), 'B now shows noescape');
    assert.equal(b2.value.find((d) => d.code === 'noescape')!.severity, 4);
    assert.ok(!publishedFor(uriA, mark, b2.index), 'A was not re-published');

    // Build settings per folder: inline kinds in both, but -l (no inlining) only in A.
    mark = c.events.length;
    c.folderSettings = { [folderA]: { kinds: { inline: { enabled: true } }, gcflags: ['-l'] }, [folderB]: { kinds: { inline: { enabled: true } } } };
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const b3 = await c.diagnosticsFor(uriB, mark, (ds) => has(ds, 'inline'));
    assert.ok(
      b3.value.some((d) => d.code === 'inline.can'),
      'B compiled with inlining',
    );
    // A is recompiled with -l: its publish after that compile has no inline findings (the one
    // right after the settings change still shows the previous compile's, with inline now enabled).
    const a3 = await c.diagnosticsFor(uriA, mark, (ds) => ds.some(isMoved) && !has(ds, 'inline'));
    assert.ok(!has(a3.value, 'noescape'), 'A no longer enables noescape');
    const rawA = (await c.rpc.sendRequest('heapscope/compilerOutput', { uri: uriA })) as { text: string };
    const rawB = (await c.rpc.sendRequest('heapscope/compilerOutput', { uri: uriB })) as { text: string };
    assert.doesNotMatch(rawA.text, /can inline/, 'A compiled with -l');
    assert.match(rawB.text, /can inline NewPoint/, 'B compiled without -l');

    // Removing folder B: its file falls back to the window's settings (no inline kinds shown).
    mark = c.events.length;
    await c.rpc.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: folderB, name: 'b' }] } });
    const b4 = await c.diagnosticsFor(uriB, mark);
    assert.ok(!has(b4.value, 'inline') && b4.value.some(isMoved), `B uses the window's settings: ${JSON.stringify(b4.value.map((d) => d.code))}`);
    // Adding it back: its own settings again.
    mark = c.events.length;
    await c.rpc.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: folderB, name: 'b' }], removed: [] } });
    const b5 = await c.diagnosticsFor(uriB, mark);
    assert.ok(has(b5.value, 'inline'), 'B has its own settings again');
  } finally {
    await c.stop();
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a configuration answer without `trusted` keeps the last explicit value: the window stays untrusted', async () => {
  const c = new Client({ trusted: false });
  try {
    await c.initialize(work);
    await c.open(demoUri, demoText);
    await c.statusAfter(0, 'untrusted');
    // An answer that leaves `trusted` out, as editors other than VS Code send.
    let answered!: () => void;
    const answer = new Promise<void>((resolve) => (answered = resolve));
    c.rpc.onRequest('workspace/configuration', (p: { items: unknown[] }) => {
      answered();
      return p.items.map(() => ({ analyzeOn: 'save' }));
    });
    const mark = c.events.length;
    await c.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await answer;
    // A round trip after the answer: the server has applied it before it reads the save.
    await c.rpc.sendRequest('textDocument/hover', { textDocument: { uri: demoUri }, position: { line: 0, character: 0 } });
    await c.rpc.sendNotification('textDocument/didSave', { textDocument: { uri: demoUri } });
    const next = await c.waitFor((e) => (e.method === 'heapscope/status' ? (e.params as StatusParams) : undefined), mark);
    assert.equal(next.value.state, 'untrusted', `still untrusted after the configuration change: ${JSON.stringify(next.value)}`);
  } finally {
    await c.stop();
  }
});

test('a malformed frame (bad Content-Length) is logged and the server exits non-zero, so the client restarts it', async () => {
  const c = new Client({});
  try {
    await c.initialize(work);
    const exited = c.exited();
    c.proc.stdin!.write('Content-Length: twelve\r\n\r\n{"jsonrpc":"2.0"}');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
    assert.notEqual(code, 'still running after 10 s', 'the server exits');
    assert.ok(code !== 0 && code !== null, `non-zero exit status: ${code}`);
    assert.match(c.stderr, /Content-Length/);
  } finally {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    c.rpc.dispose();
  }
});

test('load: 100 edits a second for 3 s on a 5,000-line file with 1,666 findings: publishes coalesced, hovers answered, the last edit published soon after, shutdown answered', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-lsp-load-'));
  writeFileSync(path.join(dir, 'go.mod'), 'module example.com/load\n\ngo 1.21\n');
  // 833 functions, each with a variable moved to the heap and an escaping make: 1,666 findings.
  const lines = ['package load', ''];
  for (let i = 0; lines.length + 6 <= 5000; i++) lines.push(`func F${i}(n int) (*int, []byte) {`, `\tx := n + ${i}`, '\tb := make([]byte, n)', '\treturn &x, b', '}', '');
  const text = lines.join('\n') + '\n';
  writeFileSync(path.join(dir, 'big.go'), text);
  const uri = pathToFileURL(path.join(dir, 'big.go')).toString();
  const c = new Client({});
  try {
    await c.initialize(dir);
    await c.open(uri, text);
    const first = await c.diagnosticsFor(uri, 0, (ds) => ds.length > 1000);
    const target = first.value.find((d) => d.code === 'escape.moved' && d.range.start.line > 2000)!;
    assert.ok(target);
    // One edit every 10 ms, each inserting a line above every finding, and a hover on one finding
    // (where it is now) every tenth edit, answered whenever the server gets to it.
    const from = c.events.length;
    const hovers: Array<Promise<number>> = [];
    const edits = 300;
    const started = performance.now();
    let lastSent = started;
    for (let version = 2; version < edits + 2; version++) {
      lastSent = performance.now();
      await c.rpc.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '// edit\n' }],
      });
      if (version % 10 === 0) {
        const h0 = performance.now();
        const position = { line: target.range.start.line + version - 1, character: target.range.start.character };
        hovers.push(
          c.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position }).then((h) => {
            assert.match(((h as Hover | null)?.contents as { value: string } | undefined)?.value ?? '', /moved to the heap/, `hover at version ${version}`);
            return performance.now() - h0;
          }),
        );
      }
      const due = started + (version - 1) * 10;
      if (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    // The last edit's diagnostics: every diagnostic moved down by the inserted lines, nothing else changed.
    const down = (d: Diagnostic): Diagnostic => ({ ...d, range: { start: { ...d.range.start, line: d.range.start.line + edits }, end: { ...d.range.end, line: d.range.end.line + edits } } });
    const expected = first.value.map(down);
    const last = await c.diagnosticsFor(uri, from, (ds) => ds.length === expected.length && ds[0]!.range.start.line === expected[0]!.range.start.line);
    const lastLatency = last.at - lastSent;
    assert.deepEqual(last.value, expected);
    const latencies = (await Promise.all(hovers)).sort((a, b) => a - b);
    const publishes = c.events.slice(from).filter((e) => e.method === 'textDocument/publishDiagnostics' && (e.params as PublishDiagnosticsParams).uri === uri).length;
    t.diagnostic(
      `${edits} edits in ${(lastSent - started).toFixed(0)} ms, ${publishes} publishes; last edit → its diagnostics ${lastLatency.toFixed(0)} ms; ${latencies.length} hovers: median ${latencies[latencies.length >> 1]!.toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`,
    );
    // Bounds with room for a test machine shared with other work (the bench holds the targets:
    // 500 ms and a hover p99 of 100 ms). A server that publishes every edit falls behind without
    // limit: with one publish per edit (as before 72e9588) this run took 30–52 s to the last edit's
    // diagnostics and hovers 19–34 s at the median, on a 2-core machine shared with other work.
    assert.ok(lastLatency < 3000, `the last edit's diagnostics within 3 s of it: ${lastLatency.toFixed(0)} ms`);
    assert.ok(latencies[latencies.length - 1]! < 3000, `every hover answered within 3 s: ${latencies.map((x) => x.toFixed(0)).join(', ')}`);
    assert.ok(publishes <= edits / 4, `publishes coalesced: ${publishes} for ${edits} edits`);
    const s0 = performance.now();
    await c.rpc.sendRequest('shutdown');
    assert.ok(performance.now() - s0 < 1000, 'shutdown answered within a second');
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
