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
  // No numbers have no median.
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Throughputs in MB/s of repeated runs of one way of parsing. */
interface Runs {
  /** By wall-clock time: what a user waits, GC included, but inflated by other processes on a shared machine. */
  wall: number[];
  /** By CPU time of this process (all its threads, so GC helper threads too): unaffected by waiting for a core. */
  cpu: number[];
}

/** Times one call of `parse` into `runs` as MB/s (10^6 bytes of UTF-8 input per second). */
function timeOnce(parse: () => void, bytes: number, runs: Runs): void {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  parse();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  runs.wall.push(bytes / 1e6 / wall);
  runs.cpu.push(bytes / 1e6 / ((cpu.user + cpu.system) / 1e6));
}

const WARM_UPS = 5;
const RUNS = 9;

/**
 * Measures one-shot and streamed throughput. Runs after warm-ups (V8 has optimised the hot path), one
 * after the other (each pays for collecting the garbage of those before: GC is included). The machine
 * is shared (2 cores, other test runs), so wall-clock figures move with its load: the median is the
 * figure, the best run and the CPU-time median are reported beside it.
 */
function throughput(text: string, bytes: number): { oneShot: Runs; streamed: Runs } {
  const oneShot: Runs = { wall: [], cpu: [] };
  const streamed: Runs = { wall: [], cpu: [] };
  const stream = (): void => {
    const p = new CompilerOutputParser();
    // 64 KiB chunks, as a child process's pipe delivers them.
    for (let o = 0; o < text.length; o += 65536) p.write(text.slice(o, o + 65536));
    p.end();
  };
  for (let i = 0; i < WARM_UPS; i++) {
    parseCompilerOutput(text);
    stream();
  }
  for (let i = 0; i < RUNS; i++) {
    timeOnce(() => parseCompilerOutput(text), bytes, oneShot);
    timeOnce(stream, bytes, streamed);
  }
  return { oneShot, streamed };
}

/** The note of a throughput figure: best run, CPU-time median, sample size and machine load. */
function runsNote(r: Runs, extra: string): string {
  // loadavg() always returns three figures (zeros on Windows).
  const [oneMinute = 0] = os.loadavg();
  const load = oneMinute.toFixed(1);
  return `median of ${RUNS} runs after ${WARM_UPS} warm-ups; best ${Math.max(...r.wall).toFixed(1)} MB/s; by CPU time median ${median(r.cpu).toFixed(1)} MB/s; load average ${load} on ${os.cpus().length} cores${extra}`;
}

/** Reads every explanation's flows, as building every finding does (explanations parse them on first read). */
function readEveryFlow(out: ParsedOutput): number {
  let steps = 0;
  for (const d of out.decisions) for (const e of d.explanations) for (const f of e.flows) steps += f.steps.length;
  for (const o of out.orphanExplanations) for (const f of o.explanation.flows) steps += f.steps.length;
  return steps;
}

/**
 * Retained heap of a ParsedOutput: heapUsed after a full GC with the result alive minus heapUsed after
 * a full GC with it dropped. The input text is read inside the measured scope and dropped, so any part
 * of it that the result keeps alive (V8 sliced strings point into their parent) is counted. Caveat:
 * Node makes strings decoded from more than about 1 MB of bytes external (outside heapUsed); the
 * parser decodes at most 64 Ki code units at a time, so everything it keeps is on the V8 heap.
 */
function retainedBytes(file: string, gc: () => void, readFlows: boolean): number {
  const parse = (): ParsedOutput => {
    const out = parseCompilerOutput(readFileSync(file, 'utf8'));
    if (readFlows) readEveryFlow(out);
    return out;
  };
  gc();
  const before = process.memoryUsage().heapUsed;
  let out: ParsedOutput | null = parse();
  gc();
  const withResult = process.memoryUsage().heapUsed;
  if (out.decisions.length === 0) throw new Error('no decisions parsed');
  // eslint-disable-next-line no-useless-assignment -- dropping the only reference lets gc() collect the result.
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
  const retained = median([retainedBytes(file, gc, false), retainedBytes(file, gc, false), retainedBytes(file, gc, false)]);
  const retainedWithFlows = median([retainedBytes(file, gc, true), retainedBytes(file, gc, true), retainedBytes(file, gc, true)]);
  const withFlows: Runs = { wall: [], cpu: [] };
  for (let i = 0; i < RUNS; i++) timeOnce(() => readEveryFlow(parseCompilerOutput(text)), buf.length, withFlows);
  const oneShot = median(t.oneShot.wall);
  const streamed = median(t.streamed.wall);
  return [
    { name: `parser throughput, one-shot (${label})`, value: oneShot, unit: 'MB/s', target: '≥ 100 MB/s', pass: oneShot >= 100, note: runsNote(t.oneShot, `; ${size}`) },
    { name: `parser throughput, streamed 64 KiB chunks (${label})`, value: streamed, unit: 'MB/s', target: '≥ 100 MB/s', pass: streamed >= 100, note: runsNote(t.streamed, '') },
    {
      name: `parser throughput, one-shot then every flow read (${label})`,
      value: median(withFlows.wall),
      unit: 'MB/s',
      target: 'informative',
      pass: true,
      note: `the cost of explanations' lazy flows, paid when findings are built for every decision; ${runsNote(withFlows, '')}`,
    },
    {
      name: `parser retained heap / text size (${label})`,
      value: retained / buf.length,
      unit: '×',
      target: '≤ 2×',
      pass: retained / buf.length <= 2,
      note: `${(retained / 1e6).toFixed(2)} MB retained for ${mb.toFixed(2)} MB of text: heapUsed after full GCs with vs without the ParsedOutput, text dropped (median of 3); ${(retainedWithFlows / buf.length).toFixed(2)}× once every flow has been read`,
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
