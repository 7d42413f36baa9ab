// Language server figures through a real stdio connection to dist/server.js: reopening a file of an
// analysed package, re-publishing shifted diagnostics after an edit on a 5,000-line file, hover
// latency, and resident memory with 50 open files across 10 packages.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { BenchFigure } from './types';

const root = path.resolve(__dirname, '..');

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? NaN;
}

/** A 5,000-line Go file: many small functions, each with a heap allocation. */
function bigFile(pkg: string, lines: number): string {
  const out = [`package ${pkg}`, ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(`func F${i}(n int) (*int, []byte) {`, `\tx := n + ${i}`, `\tb := make([]byte, n)`, `\treturn &x, b`, `}`, '');
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** One package per directory: 5 files of a few escaping functions each. */
function smallFile(pkg: string, i: number): string {
  return `package ${pkg}\n\ntype T${i} struct{ A, B int }\n\nfunc New${i}(a int) *T${i} {\n\tt := T${i}{A: a}\n\treturn &t\n}\n\nfunc Buf${i}(n int) []byte {\n\treturn make([]byte, n)\n}\n`;
}

/** Runs the measurements and returns the figures. */
export async function run(): Promise<BenchFigure[]> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root });
  const work = mkdtempSync(path.join(os.tmpdir(), 'heapscope-lsp-bench-'));
  writeFileSync(path.join(work, 'go.mod'), 'module example.com/bench\n\ngo 1.21\n');
  const files: string[] = [];
  for (let p = 0; p < 10; p++) {
    mkdirSync(path.join(work, `p${p}`));
    for (let i = 0; i < 5; i++) {
      const f = path.join(work, `p${p}`, `f${i}.go`);
      writeFileSync(f, smallFile(`p${p}`, i));
      files.push(f);
    }
  }
  mkdirSync(path.join(work, 'big'));
  const bigPath = path.join(work, 'big', 'big.go');
  writeFileSync(bigPath, bigFile('big', 5000));

  const proc = spawn(process.execPath, [path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const rpc = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiters = new Map<string, Array<(p: PublishDiagnosticsParams) => void>>();
  const latest = new Map<string, PublishDiagnosticsParams>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    latest.set(p.uri, p);
    const ws = waiters.get(p.uri) ?? [];
    waiters.delete(p.uri);
    for (const w of ws) w(p);
  });
  rpc.onRequest('workspace/configuration', () => [{}]);
  rpc.listen();
  const nextDiagnostics = (uri: string, cond: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> =>
    new Promise((resolve) => {
      const w = (p: PublishDiagnosticsParams): void => {
        if (cond(p)) resolve(p);
        else (waiters.get(uri) ?? waiters.set(uri, []).get(uri)!).push(w);
      };
      (waiters.get(uri) ?? waiters.set(uri, []).get(uri)!).push(w);
    });
  const open = (file: string, version = 1): Promise<void> =>
    rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(file).toString(), languageId: 'go', version, text: readFileSync(file, 'utf8') } });

  const figures: BenchFigure[] = [];
  try {
    await rpc.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(work).toString(), capabilities: { workspace: { configuration: true } } });
    await rpc.sendNotification('initialized', {});

    // Edits on a 5,000-line file: time from didChange to the shifted diagnostics.
    const bigUri = pathToFileURL(bigPath).toString();
    const analysed = nextDiagnostics(bigUri, (p) => p.diagnostics.length > 0);
    await open(bigPath);
    const first = await analysed;
    const edits: number[] = [];
    for (let v = 2; v < 202; v++) {
      const got = nextDiagnostics(bigUri);
      const t0 = performance.now();
      await rpc.sendNotification('textDocument/didChange', {
        textDocument: { uri: bigUri, version: v },
        contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '// edit\n' }],
      });
      const p = await got;
      edits.push(performance.now() - t0);
      if (p.diagnostics.length !== first.diagnostics.length) throw new Error(`edit ${v} lost diagnostics`);
    }
    figures.push({ name: 'edit → shifted diagnostics (5,000-line file) p99', value: p99(edits), unit: 'ms', target: '≤ 50 ms', pass: p99(edits) <= 50, note: `${edits.length} edits, ${first.diagnostics.length} diagnostics` });

    // Hover on diagnostics spread over the file.
    const hovers: number[] = [];
    const diags = latest.get(bigUri)!.diagnostics;
    for (let i = 0; i < 200; i++) {
      const d = diags[(i * 37) % diags.length]!;
      const t0 = performance.now();
      const h = await rpc.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: d.range.start });
      hovers.push(performance.now() - t0);
      if (!h) throw new Error('no hover on a diagnostic');
    }
    figures.push({ name: 'hover p99', value: p99(hovers), unit: 'ms', target: '≤ 20 ms', pass: p99(hovers) <= 20, note: `${hovers.length} hovers on a 5,000-line file` });

    // 50 open files across 10 packages; then reopen one.
    const all = files.map((f) => nextDiagnostics(pathToFileURL(f).toString(), (p) => p.diagnostics.length > 0));
    for (const f of files) await open(f);
    await Promise.all(all);
    const reopenUri = pathToFileURL(files[7]!).toString();
    const reopened: number[] = [];
    for (let i = 0; i < 10; i++) {
      await rpc.sendNotification('textDocument/didClose', { textDocument: { uri: reopenUri } });
      const got = nextDiagnostics(reopenUri, (p) => p.diagnostics.length > 0);
      const t0 = performance.now();
      await open(files[7]!, 100 + i);
      await got;
      reopened.push(performance.now() - t0);
    }
    const worst = Math.max(...reopened);
    figures.push({ name: 'reopen a file of an analysed package → diagnostics (max of 10)', value: worst, unit: 'ms', target: '≤ 150 ms', pass: worst <= 150 });
    const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    figures.push({ name: 'server RSS, 51 open files across 11 packages', value: rssKb / 1024, unit: 'MB', target: '≤ 150 MB', pass: rssKb / 1024 <= 150, note: 'incl. the 5,000-line file' });
  } finally {
    await rpc.sendRequest('shutdown').catch(() => undefined);
    await rpc.sendNotification('exit').catch(() => undefined);
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    rpc.dispose();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
