// Decoding and attributing a ~90 MB allocation profile versus `go tool pprof -top` on the same
// file, and the main thread's event-loop delay while the profile loads in a worker thread.
//
// The profile is synthetic but shaped like Go's: made with pprof-format's encoder, generated
// towards 100 MB of protobuf (about 90 MB come out) before compression, written gzip-compressed as Go writes it. It has many distinct
// stacks over a few thousand functions, inlined frames and the four allocs sample types.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { loadProfileInWorker, loadProfiles } from '../server/src/profile';
import type { BenchFigure } from './types';

const execFileAsync = promisify(execFile);
const TARGET_BYTES = 100 * 1000 * 1000;

/** Returns a deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the protobuf bytes (uncompressed) of a synthetic allocs profile of about targetBytes. */
function syntheticProfile(targetBytes: number): Uint8Array {
  const random = rng(42);
  const strings = new StringTable();
  const nFiles = 400;
  const nFuncs = 4000;
  const nLocs = 40000;
  const functions: PFunction[] = [];
  for (let i = 1; i <= nFuncs; i++) {
    const pkg = `example.com/big/pkg${i % 97}`;
    functions.push(
      new PFunction({
        id: i,
        name: strings.dedup(`${pkg}.(*T${i % 13}).Method${i}`),
        systemName: strings.dedup(`${pkg}.(*T${i % 13}).Method${i}`),
        filename: strings.dedup(`/build/src/big/pkg${i % 97}/file${i % nFiles}.go`),
        startLine: 10 + (i % 500),
      }),
    );
  }
  const locations: Location[] = [];
  for (let i = 1; i <= nLocs; i++) {
    // One location in four holds an inlined call: two Lines, innermost first.
    const lines = [new Line({ functionId: 1 + Math.floor(random() * nFuncs), line: 1 + Math.floor(random() * 900) })];
    if (i % 4 === 0) lines.push(new Line({ functionId: 1 + Math.floor(random() * nFuncs), line: 1 + Math.floor(random() * 900) }));
    locations.push(new Location({ id: i, mappingId: 1, address: 0x400000 + i * 16, line: lines }));
  }
  const types = [
    ['alloc_objects', 'count'],
    ['alloc_space', 'bytes'],
    ['inuse_objects', 'count'],
    ['inuse_space', 'bytes'],
  ] as const;
  const sampleType = types.map(([type, unit]) => new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) }));
  const bytesKey = strings.dedup('bytes');
  const samples: Sample[] = [];
  // A sample of depth ~24 with four values encodes to ~85 bytes.
  const nSamples = Math.round(targetBytes / 85);
  for (let s = 0; s < nSamples; s++) {
    const depth = 8 + Math.floor(random() * 32);
    const ids: number[] = [];
    for (let d = 0; d < depth; d++) ids.push(1 + Math.floor(random() ** 2 * nLocs));
    const size = 16 << Math.floor(random() * 8);
    const count = 1 + Math.floor(random() * 1000);
    samples.push(new Sample({ locationId: ids, value: [count, count * size, count >> 3, (count >> 3) * size], label: [{ key: bytesKey, num: size }] }));
  }
  const profile = new Profile({
    sampleType,
    sample: samples,
    mapping: [
      new Mapping({
        id: 1,
        memoryStart: 0x400000,
        memoryLimit: 0x8000000,
        filename: strings.dedup('/build/big.test'),
        hasFunctions: true,
        hasFilenames: true,
        hasLineNumbers: true,
        hasInlineFrames: true,
      }),
    ],
    location: locations,
    function: functions,
    stringTable: strings,
    periodType: new ValueType({ type: strings.dedup('space'), unit: strings.dedup('bytes') }),
    period: 524288,
    timeNanos: Date.now() * 1e6,
  });
  return profile.encode();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  // No numbers have no median.
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Runs the profile benchmarks and returns their figures. */
export async function run(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-profile-bench-'));
  try {
    const raw = syntheticProfile(TARGET_BYTES);
    const file = path.join(dir, 'big.pprof');
    writeFileSync(file, gzipSync(raw));
    const gzSize = statSync(file).size;

    const ours: number[] = [];
    const pprof: number[] = [];
    // pprof needs minutes per run on a profile this size: HEAPSCOPE_BENCH_PROFILE_ROUNDS sets how many pairs.
    const rounds = Number(process.env.HEAPSCOPE_BENCH_PROFILE_ROUNDS ?? 1);
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      const loaded = loadProfiles([file]);
      ours.push(performance.now() - t);
      if (loaded.attribution.lines.length === 0) throw new Error('no lines attributed');
      t = performance.now();
      await execFileAsync('go', ['tool', 'pprof', '-top', file], { maxBuffer: 1 << 28 });
      pprof.push(performance.now() - t);
    }
    const ratio = median(ours) / median(pprof);

    const histogram = monitorEventLoopDelay({ resolution: 1 });
    // A timer that keeps the loop busy the way a hover request would, so delays are observed.
    const ticker = setInterval(() => undefined, 1);
    histogram.enable();
    const t = performance.now();
    const inWorker = await loadProfileInWorker([file], {}, path.join(__dirname, '../server/src/profile/worker.ts'));
    const workerMs = performance.now() - t;
    histogram.disable();
    clearInterval(ticker);
    const maxDelayMs = histogram.max / 1e6;

    const size = `${(raw.length / 1e6).toFixed(0)} MB protobuf, ${(gzSize / 1e6).toFixed(0)} MB gzip on disk`;
    return [
      {
        name: `decode+attribute vs go tool pprof -top (${size})`,
        value: ratio,
        unit: '×',
        target: '≤ 1.0',
        pass: ratio <= 1.0,
        note: `medians of ${rounds} pairs, heapscope then pprof (not alternated: pprof takes minutes): heapscope ${median(ours).toFixed(0)} ms, pprof ${median(pprof).toFixed(0)} ms; ${inWorker.attribution.lines.length} lines`,
      },
      {
        name: 'max event-loop delay while loading in the worker',
        value: maxDelayMs,
        unit: 'ms',
        target: '≤ 20 ms',
        pass: maxDelayMs <= 20,
        note: `worker load took ${workerMs.toFixed(0)} ms (including result transfer)`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
