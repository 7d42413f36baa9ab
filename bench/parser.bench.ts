// Parser benchmark: throughput (MB/s) and retained memory of the -m=2 parser on the output of
// `go build -gcflags=-m=2 net/http` and of golang.org/x/tools/go/ssa (fetched through the module proxy).
// The outputs are generated at bench time into os.tmpdir()/heapscope-bench and reused; never committed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CompilerOutputParser, parseCompilerOutput } from '../server/src/engine/compilerOutput';
import type { ParsedOutput } from '../server/src/engine/types';
import type { BenchFigure } from './types';

const exec = promisify(execFile);
const cacheDir = path.join(os.tmpdir(), 'heapscope-bench');
const TOOLS_VERSION = 'v0.30.0';

/** Runs go and returns its stderr (where -m output goes), also when the command fails. */
async function goStderr(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  try {
    return (await exec('go', args, { cwd, env, maxBuffer: 1 << 30 })).stderr;
  } catch (err) {
    const e = err as { stderr?: string };
    if (typeof e.stderr === 'string' && e.stderr.length > 0) return e.stderr;
    throw err;
  }
}

/** Returns the path of net/http's -m=2 output for the local Go, generating it once. */
async function netHttpOutput(goVersion: string): Promise<string> {
  const file = path.join(cacheDir, `nethttp-${goVersion}.txt`);
  if (!existsSync(file)) {
    const work = path.join(cacheDir, 'nethttp');
    mkdirSync(work, { recursive: true });
    // Run from a temp directory outside any module, so std is built in GOROOT mode with our flags.
    writeFileSync(file, await goStderr(['build', '-gcflags=-m=2', 'net/http'], work));
  }
  return file;
}

/** Returns the path of golang.org/x/tools/go/ssa's -m=2 output, fetching x/tools through the proxy once. */
async function ssaOutput(goVersion: string): Promise<string> {
  const file = path.join(cacheDir, `ssa-${TOOLS_VERSION}-${goVersion}.txt`);
  if (!existsSync(file)) {
    const work = path.join(cacheDir, 'ssa-module');
    mkdirSync(work, { recursive: true });
    writeFileSync(path.join(work, 'go.mod'), 'module example.com/benchssa\n\ngo 1.22\n');
    await exec('go', ['mod', 'download', '-json', `golang.org/x/tools@${TOOLS_VERSION}`], { cwd: work, maxBuffer: 1 << 26 });
    await exec('go', ['get', `golang.org/x/tools@${TOOLS_VERSION}`], { cwd: work, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    writeFileSync(file, await goStderr(['build', '-gcflags=-m=2', 'golang.org/x/tools/go/ssa'], work));
  }
  return file;
}

/** Returns a function that forces a full garbage collection (exposed at run time when node lacks --expose-gc). */
function gcFunction(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Median of numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Measures one-shot and streamed throughput in MB/s (10^6 bytes of UTF-8 input per second). */
function throughput(text: string, bytes: number): { oneShot: number; streamed: number; runs: number } {
  for (let i = 0; i < 3; i++) parseCompilerOutput(text); // warm-up: let V8 optimise the hot path
  const oneShot: number[] = [];
  const streamed: number[] = [];
  const runs = 9;
  for (let i = 0; i < runs; i++) {
    let t = process.hrtime.bigint();
    parseCompilerOutput(text);
    oneShot.push(bytes / 1e6 / (Number(process.hrtime.bigint() - t) / 1e9));
    t = process.hrtime.bigint();
    const p = new CompilerOutputParser();
    // 64 KiB chunks, as a child process's pipe delivers them.
    for (let o = 0; o < text.length; o += 65536) p.write(text.slice(o, o + 65536));
    p.end();
    streamed.push(bytes / 1e6 / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  return { oneShot: median(oneShot), streamed: median(streamed), runs };
}

/**
 * Retained heap of a ParsedOutput: heapUsed after a full GC with the result alive minus heapUsed after
 * a full GC with it dropped. The input text is read inside the measured scope and dropped, so any part
 * of it that the result keeps alive (V8 sliced strings point into their parent) is counted.
 */
function retainedBytes(file: string, gc: () => void): number {
  const parse = (): ParsedOutput => parseCompilerOutput(readFileSync(file, 'utf8'));
  gc();
  const before = process.memoryUsage().heapUsed;
  let out: ParsedOutput | null = parse();
  gc();
  const withResult = process.memoryUsage().heapUsed;
  if (out.decisions.length === 0) throw new Error('no decisions parsed');
  out = null;
  gc();
  const after = process.memoryUsage().heapUsed;
  return withResult - Math.max(before, after);
}

/** Measures one input; returns its figures. */
function measure(label: string, file: string, gc: () => void): BenchFigure[] {
  const buf = readFileSync(file);
  const text = buf.toString('utf8');
  const mb = buf.length / 1e6;
  const out = parseCompilerOutput(text);
  const size = `${mb.toFixed(2)} MB, ${text.split('\n').length - 1} lines, ${out.decisions.length} decisions`;
  const t = throughput(text, buf.length);
  const retained = median([retainedBytes(file, gc), retainedBytes(file, gc), retainedBytes(file, gc)]);
  return [
    { name: `parser throughput, one-shot (${label})`, value: t.oneShot, unit: 'MB/s', target: '≥ 100 MB/s', pass: t.oneShot >= 100, note: `median of ${t.runs} runs after 3 warm-ups; ${size}` },
    { name: `parser throughput, streamed 64 KiB chunks (${label})`, value: t.streamed, unit: 'MB/s', target: '≥ 100 MB/s', pass: t.streamed >= 100, note: `median of ${t.runs} runs` },
    {
      name: `parser retained heap / text size (${label})`,
      value: retained / buf.length,
      unit: '×',
      target: '≤ 2×',
      pass: retained / buf.length <= 2,
      note: `${(retained / 1e6).toFixed(2)} MB retained for ${mb.toFixed(2)} MB of text: heapUsed after full GCs with vs without the ParsedOutput, text dropped (median of 3)`,
    },
  ];
}

/** Runs the parser benchmark. */
export async function run(): Promise<BenchFigure[]> {
  mkdirSync(cacheDir, { recursive: true });
  const goVersion = (await exec('go', ['env', 'GOVERSION'])).stdout.trim();
  const gc = gcFunction();
  const figures = measure(`net/http, ${goVersion}`, await netHttpOutput(goVersion), gc);
  try {
    figures.push(...measure(`x/tools/go/ssa ${TOOLS_VERSION}, ${goVersion}`, await ssaOutput(goVersion), gc));
  } catch (err) {
    figures.push({ name: `x/tools/go/ssa ${TOOLS_VERSION}`, value: 0, unit: 'MB/s', target: '≥ 100 MB/s', pass: false, note: `could not fetch or build: ${String(err).slice(0, 200)}` });
  }
  return figures;
}
