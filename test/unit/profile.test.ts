// Profile engine pieces that need no Go toolchain: names, formatting, severity, decoding errors,
// and attribution on small profiles built with pprof-format's encoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import {
  attributeProfiles,
  checkAllocationProfile,
  checkProfileMapsOntoModule,
  decodeProfile,
  formatAllocCost,
  formatBytes,
  formatCount,
  formatShare,
  functionDeclarations,
  loadProfileInWorker,
  loadProfiles,
  mapProfileToModule,
  parseFunctionName,
  profileWarnings,
  ProfileError,
  severityForShare,
  unescapeModulePath,
} from '../../server/src/profile';
import { findingCostText, joinFindings } from '../../server/src/profile/join';
import { costMarkdown, hasCostSection, topSites } from '../../server/src/lsp/profiles';
import type { MappedProfile } from '../../server/src/profile/mapping';

const WORKER = path.resolve(__dirname, '../../server/src/profile/worker.ts');

test('parseFunctionName splits package, receiver and declared name, and says what the symbol is', () => {
  const d = 'declared';
  assert.deepEqual(parseFunctionName('example.com/mod/sub.(*T).Method'), { packagePath: 'example.com/mod/sub', receiver: 'T', name: 'Method', part: d });
  assert.deepEqual(parseFunctionName('example.com/mod.T.Method.func1'), { packagePath: 'example.com/mod', receiver: 'T', name: 'Method', part: 'closure' });
  assert.deepEqual(parseFunctionName('example.com/mod.Grow.func2.1'), { packagePath: 'example.com/mod', receiver: null, name: 'Grow', part: 'closure' });
  assert.deepEqual(parseFunctionName('example.com/mod.(*T).Close-fm'), { packagePath: 'example.com/mod', receiver: 'T', name: 'Close', part: 'wrapper' });
  assert.deepEqual(parseFunctionName('example.com/mod.Run.deferwrap1'), { packagePath: 'example.com/mod', receiver: null, name: 'Run', part: 'wrapper' });
  assert.deepEqual(parseFunctionName('example.com/mod.(*List[go.shape.int]).Push'), { packagePath: 'example.com/mod', receiver: 'List', name: 'Push', part: d });
  assert.deepEqual(parseFunctionName('example.com/mod.(*List[go.shape.int]).Push.func1'), { packagePath: 'example.com/mod', receiver: 'List', name: 'Push', part: 'closure' });
  assert.deepEqual(parseFunctionName('example.com/mod.Map[go.shape.string,go.shape.int]'), { packagePath: 'example.com/mod', receiver: null, name: 'Map', part: d });
  assert.deepEqual(parseFunctionName('example.com/mod.init.0'), { packagePath: 'example.com/mod', receiver: null, name: 'init', part: d });
  assert.deepEqual(parseFunctionName('example.com/mod.init.0.func1'), { packagePath: 'example.com/mod', receiver: null, name: 'init', part: 'closure' });
  // A package-level variable's func literal, and the package initialiser itself.
  assert.deepEqual(parseFunctionName('example.com/mod.init.func1'), { packagePath: 'example.com/mod', receiver: null, name: 'init', part: 'closure' });
  assert.deepEqual(parseFunctionName('example.com/mod.init'), { packagePath: 'example.com/mod', receiver: null, name: null, part: d });
  assert.deepEqual(parseFunctionName('example.com/mod.glob..func1'), { packagePath: 'example.com/mod', receiver: null, name: null, part: 'closure' });
  assert.deepEqual(parseFunctionName('main.main'), { packagePath: 'main', receiver: null, name: 'main', part: d });
  assert.deepEqual(parseFunctionName('example.com/v.2/x.F'), { packagePath: 'example.com/v.2/x', receiver: null, name: 'F', part: d });
});

test('unescapeModulePath undoes the module cache escaping', () => {
  assert.equal(unescapeModulePath('/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/decode.go'), '/go/pkg/mod/github.com/BurntSushi/toml/decode.go');
});

test('formatting matches the hover', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(2.3 * 1024 ** 3), '2.3 GB');
  assert.equal(formatBytes(1536), '1.5 kB');
  assert.equal(formatCount(812), '812');
  assert.equal(formatCount(14_100), '14.1 K');
  assert.equal(formatCount(14_100_000), '14.1 M');
  assert.equal(formatShare(0.23), '23%');
  assert.equal(formatShare(0.023), '2.3%');
  assert.equal(formatShare(0.00042), '0.042%');
  assert.equal(formatShare(0), '0%');
  assert.equal(formatAllocCost({ bytes: 2.3 * 1024 ** 3, objects: 14_100_000, share: 0.23 }, 'alloc_space'), '2.3 GB · 14.1 M objects · 23% of alloc_space');
  assert.equal(formatAllocCost({ bytes: 8, objects: 1, share: 0 }, 'inuse_space', false), '8 B · 1 object');
});

test('severity follows the share with configurable thresholds', () => {
  assert.equal(severityForShare(0.05), 'warning');
  assert.equal(severityForShare(0.0499), 'information');
  assert.equal(severityForShare(0.01), 'information');
  assert.equal(severityForShare(0.0099), 'hint');
  assert.equal(severityForShare(0.2, { warning: 0.5, information: 0.1 }), 'information');
});

/** Builds a small allocs profile: stacks are lists of locations, each a list of [function, line, the function's start line]. */
function buildProfile(
  stacks: Array<{ locs: Array<Array<[string, number, number?]>>; objects: number; bytes: number }>,
  types = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'],
): Profile {
  const strings = new StringTable();
  const fns = new Map<string, PFunction>();
  const locations: Location[] = [];
  const samples: Sample[] = [];
  for (const st of stacks) {
    const ids = st.locs.map((lines) => {
      const loc = new Location({
        id: locations.length + 1,
        line: lines.map(([fn, line, startLine = 0]) => {
          let f = fns.get(fn);
          if (!f) fns.set(fn, (f = new PFunction({ id: fns.size + 1, name: strings.dedup(fn), filename: strings.dedup('/src/m/a.go'), startLine })));
          return new Line({ functionId: f.id, line });
        }),
      });
      locations.push(loc);
      return loc.id;
    });
    samples.push(new Sample({ locationId: ids, value: types.map((t) => (t.endsWith('objects') || t === 'samples' ? st.objects : st.bytes)) }));
  }
  const sampleType = types.map((t) => new ValueType({ type: strings.dedup(t), unit: strings.dedup(t.endsWith('space') ? 'bytes' : 'count') }));
  return new Profile({ sampleType, sample: samples, location: locations, function: [...fns.values()], stringTable: strings });
}

test('attribution: flat at the innermost frame, cum once per sample, inlined credit at the call site', () => {
  const p = buildProfile([
    // leaf(10) inlined into caller(20); caller recursing twice at line 21; main at 30.
    {
      locs: [
        [
          ['m.leaf', 10],
          ['m.caller', 20],
        ],
        [['m.caller', 21]],
        [['m.caller', 21]],
        [['m.main', 30]],
      ],
      objects: 2,
      bytes: 64,
    },
    { locs: [[['m.caller', 22]], [['m.main', 30]]], objects: 1, bytes: 1000 },
  ]);
  const decoded = decodeProfile(gzipSync(p.encode()), 'test.pprof');
  const a = attributeProfiles([decoded]);
  const at = (fn: string, line: number) => a.lines.find((l) => l.function === fn && l.line === line);
  assert.deepEqual(a.total, { bytes: 1064, objects: 3 });
  assert.deepEqual(at('m.leaf', 10)?.flat, { bytes: 64, objects: 2 });
  assert.deepEqual(at('m.caller', 20)?.flat, { bytes: 0, objects: 0 });
  assert.deepEqual(at('m.caller', 20)?.inlined, { bytes: 64, objects: 2 });
  assert.deepEqual(at('m.caller', 21)?.cum, { bytes: 64, objects: 2 }, 'a recurring line counts once per sample');
  assert.deepEqual(at('m.main', 30)?.cum, { bytes: 1064, objects: 3 });
  assert.deepEqual(at('m.caller', 22)?.flat, { bytes: 1000, objects: 1 });
  assert.deepEqual(
    at('m.leaf', 10)?.paths[0]?.frames.map((f) => `${f.function}:${f.line}`),
    ['m.leaf:10', 'm.caller:20', 'm.caller:21', 'm.caller:21', 'm.main:30'],
  );
  const byObjects = attributeProfiles([decoded], { sampleType: 'alloc_objects' });
  assert.deepEqual(byObjects.total, a.total);
});

test('decoding: random bytes, gzip bombs and CPU profiles are refused with clear messages', () => {
  assert.throws(
    () => decodeProfile(randomBytes(2048), 'r.bin'),
    (e: unknown) => e instanceof ProfileError && /^r\.bin: /.test(e.message),
  );
  assert.throws(
    () => decodeProfile(gzipSync(Buffer.alloc(8 << 20)), 'bomb.pprof', { maxBytes: 1 << 20 }),
    (e: unknown) => e instanceof ProfileError && e.code === 'too-large',
  );
  const cpu = buildProfile([{ locs: [[['m.f', 1]]], objects: 1, bytes: 10 }], ['samples', 'cpu']);
  const decoded = decodeProfile(cpu.encode(), 'cpu.pprof');
  assert.throws(
    () => checkAllocationProfile(decoded, 'cpu.pprof'),
    (e: unknown) => e instanceof ProfileError && /CPU profile/.test(e.message),
  );
});

test('decoding: what a bad file looks like and what to give instead, in plain words', () => {
  const plain = (bytes: Uint8Array, looks: RegExp) =>
    assert.throws(
      () => decodeProfile(bytes, 'f'),
      (e: unknown) => e instanceof ProfileError && looks.test(e.message) && /go test -memprofile/.test(e.message) && !/Unrecognized|wire type|index out of range/i.test(e.message),
      String(looks),
    );
  plain(new Uint8Array(0), /^f: the file is empty/);
  plain(Buffer.from('{"Time":"2024-01-01T00:00:00Z","Action":"start"}\n'), /^f: this is a JSON file/);
  plain(Buffer.from('heap profile: 1: 64 [2: 128] @ heap/1048576\n1: 64 [2: 128] @ 0x1\n'), /^f: this is a heap profile in the text format/);
  plain(Buffer.from('Showing nodes accounting for 1MB, 100% of 1MB total\n      flat  flat%\n'), /^f: this is a text file/);
  plain(gzipSync(Buffer.from('hello\n')), /^f: this is a gzip-compressed text file/);
  plain(randomBytes(2048), /^f: this is binary data that is not a pprof profile/);
  const real = gzipSync(buildProfile([{ locs: [[['m.f', 1]]], objects: 1, bytes: 10 }]).encode());
  plain(real.subarray(0, real.length - 6), /^f: the gzip data ends early: the file is truncated/);
});

test('reading: devices, FIFOs and directories are refused without reading them; a huge file is refused at the cap', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-unit-profile-'));
  try {
    const refused = (file: string, what: RegExp) =>
      assert.throws(
        () => loadProfiles([file], { maxBytes: 1 << 20 }),
        (e: unknown) => e instanceof ProfileError && e.code === 'not-a-file' && what.test(e.message) && e.message.startsWith(file),
        file,
      );
    refused('/dev/zero', /is a character device, not a profile file/);
    refused(dir, /is a directory, not a profile file/);
    const fifo = path.join(dir, 'fifo.pprof');
    execFileSync('mkfifo', [fifo]);
    // In a worker: a blocking open of a FIFO without a writer would hang this test's thread.
    await assert.rejects(loadProfileInWorker([fifo], {}, WORKER), (e: unknown) => e instanceof ProfileError && e.code === 'not-a-file' && /is a FIFO/.test(e.message));
    refused(fifo, /is a FIFO \(named pipe\), not a profile file/);
    // A sparse 3 GiB file: more than one read can return, refused once the cap is passed.
    const huge = path.join(dir, 'huge.pprof');
    closeSync(openSync(huge, 'w'));
    execFileSync('truncate', ['-s', '3G', huge]);
    assert.throws(
      () => loadProfiles([huge], { maxBytes: 1 << 20 }),
      (e: unknown) => e instanceof ProfileError && e.code === 'too-large' && /more than the limit of 1048576 bytes/.test(e.message),
    );
    writeFileSync(huge, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one rule for CLI and server: a profile none of whose bytes map onto the module is refused', () => {
  const mapped = (total: number, onModule: number) =>
    ({ sampleType: 'alloc_space', total: { bytes: total, objects: total }, mapped: { bytes: onModule, objects: onModule }, unmapped: [], lines: [] }) as unknown as MappedProfile;
  assert.throws(
    () => checkProfileMapsOntoModule(mapped(2048, 0), ['/p/other.pprof'], 'example.com/m'),
    (e: unknown) =>
      e instanceof ProfileError &&
      e.code === 'not-this-module' &&
      /^\/p\/other\.pprof: 0% of the profile's 2\.0 kB maps onto module example\.com\/m/.test(e.message) &&
      /profile of this module/.test(e.message),
  );
  checkProfileMapsOntoModule(mapped(2048, 1), ['/p/mine.pprof'], 'example.com/m');
  checkProfileMapsOntoModule(mapped(0, 0), ['/p/empty.pprof'], 'example.com/m');
});

test('functionDeclarations finds functions and methods with their spans', () => {
  const src = 'package p\n\ntype T struct{}\n\nfunc (t *T) M() {\n\t_ = 1\n}\n\nfunc F[X any](x X) {\n}\n\nfunc (l List[E]) Len() int { return 0 }\n';
  assert.deepEqual(functionDeclarations(src), [
    { receiver: 'T', name: 'M', startLine: 5, endLine: 7 },
    { receiver: null, name: 'F', startLine: 9, endLine: 10 },
    { receiver: 'List', name: 'Len', startLine: 12, endLine: 12 },
  ]);
});

test('mapping: function name picks the package, the base name the file, the declaration confirms the line', () => {
  const p = buildProfile([
    { locs: [[['example.com/m/sub.(*T).M', 6]], [['example.com/m.F', 4]]], objects: 1, bytes: 100 },
    { locs: [[['example.com/m.F', 4]]], objects: 2, bytes: 50 },
    { locs: [[['fmt.Sprintf', 9]]], objects: 3, bytes: 7 },
  ]);
  const attribution = attributeProfiles([p]);
  // Relabel the profile file names as another machine's paths via the lines themselves.
  for (const l of attribution.lines) l.file = l.function.includes('/sub.') ? '/other/machine/sub/t.go' : l.function.startsWith('fmt') ? '/go/src/fmt/print.go' : '/other/machine/f.go';
  const files: Record<string, string> = {
    '/local/sub/t.go': 'package sub\n\ntype T struct{}\n\nfunc (t *T) M() {\n\t_ = make([]byte, 1)\n}\n',
    '/local/f.go': 'package m\n\n// F was rewritten since.\nvar F = 1\n',
  };
  const mapped = mapProfileToModule(attribution, { root: '/local', modulePath: 'example.com/m', files: Object.keys(files) }, (f) => files[f] ?? null);
  assert.deepEqual(
    mapped.lines.map((l) => [l.file, l.line, l.column, l.endColumn, l.packagePath]),
    [['/local/sub/t.go', 6, 2, 21, 'example.com/m/sub']],
  );
  assert.deepEqual(mapped.mapped, { bytes: 100, objects: 1 });
  assert.deepEqual(mapped.unmapped, [
    { file: '/other/machine/f.go', reason: 'file changed since profile', bytes: 50, objects: 2 },
    { file: '/go/src/fmt/print.go', reason: 'not in this module', bytes: 7, objects: 3 },
  ]);
});

test('with a profile, allocation findings take the severity of their share; correctness findings keep theirs', () => {
  const line = (n: number, bytes: number) => ({
    file: '/m/a.go',
    line: n,
    column: 2,
    endColumn: 9,
    function: 'm.F',
    profileFile: '/m/a.go',
    packagePath: 'm',
    flat: { bytes, objects: 1 },
    cum: { bytes, objects: 1 },
    inlined: { bytes: 0, objects: 0 },
    paths: [],
  });
  const alloc = (n: number, bytes: number) => ({ bytes, objects: 1, frames: [{ function: 'm.F', file: '/m/a.go', line: n, placed: true }] });
  const mapped = {
    sampleType: 'alloc_space' as const,
    total: { bytes: 1000, objects: 3 },
    mapped: { bytes: 1000, objects: 3 },
    unmapped: [],
    lines: [line(3, 900), line(5, 100)],
    allocations: [alloc(3, 900), alloc(5, 100)],
  };
  const f = (lineNo: number, kind: string, severity: 'warning' | 'information' | 'hint') => ({
    file: '/m/a.go',
    line: lineNo,
    column: 2,
    endLine: lineNo,
    endColumn: 3,
    severity,
    kind,
    message: kind,
    compiler: null,
    related: [],
    fixes: [],
    alloc: null,
    packagePath: 'm',
    decision: null,
  });
  const joined = joinFindings([f(3, 'escape.moved', 'information'), f(7, 'escape.heap', 'information'), f(7, 'loopvar.capture', 'warning'), f(3, 'prealloc.slice', 'hint')], mapped);
  const by = (kind: string) => joined.find((j) => j.kind === kind);
  assert.equal(by('escape.moved')?.severity, 'warning', '90% of the bytes');
  assert.equal(by('prealloc.slice')?.severity, 'warning', 'a profile promotes a hint');
  assert.equal(by('escape.heap')?.severity, 'hint', 'a line the profile never saw');
  assert.equal(by('loopvar.capture')?.severity, 'warning', 'a correctness fix is never demoted');
  const site = joined.find((j) => j.kind === 'alloc.site');
  assert.equal(site?.line, 5);
  assert.equal(site?.severity, 'warning');
});

// The start lines below are what the Go runtime records for each function (pprof's
// Function.start_line): the `func` keyword of the declaration or literal.
const DRIFT_SOURCE = [
  'package m', //                                       1
  '', //                                                2
  'var formatter = func(s string) string {', //         3
  '\treturn "[" + s + "]"', //                          4
  '}', //                                               5
  '', //                                                6
  'func init() {', //                                   7
  '\tcache = make(map[string]int)', //                  8
  '}', //                                               9
  '', //                                               10
  'func Map[T, U any](xs []T, f func(T) U) []U {', //  11
  '\tout := make([]U, 0, len(xs))', //                 12
  '\treturn out', //                                   13
  '}', //                                              14
  '', //                                               15
  'type List[E any] struct{ items []E }', //           16
  '', //                                               17
  'func (l *List[E]) Push(e E) {', //                  18
  '\tl.items = append(l.items, e)', //                 19
  '}', //                                              20
  'var cache map[string]int', //                       21
  'var table = map[string]int{"a": 1}', //             22
  '',
].join('\n');

const DRIFT_FRAMES: Array<[string, number, number]> = [
  ['m.init.func1', 4, 3],
  ['m.init.0', 8, 7],
  ['m.Map[go.shape.int,go.shape.string]', 12, 11],
  ['m.(*List[go.shape.int]).Push', 19, 18],
  ['m.init', 22, 1],
];

/** Maps one sample per frame of DRIFT_FRAMES (start lines kept or zeroed) onto a local a.go with the given text. */
function mapDriftProfile(localSource: string, withStartLines: boolean): ReturnType<typeof mapProfileToModule> {
  const p = buildProfile(DRIFT_FRAMES.map(([fn, line, start], i) => ({ locs: [[[fn, line, withStartLines ? start : 0]]], objects: 1, bytes: 10 ** i })));
  return mapProfileToModule(attributeProfiles([p]), { root: '/local', modulePath: 'm', files: ['/local/a.go'] }, (f) => (f === '/local/a.go' ? localSource : null));
}

test('drift: package-level func literals, init functions, generics and methods of generic types map when the file is unchanged', () => {
  for (const withStartLines of [true, false]) {
    const mapped = mapDriftProfile(DRIFT_SOURCE, withStartLines);
    assert.deepEqual(mapped.unmapped, [], `start lines ${withStartLines}`);
    assert.deepEqual(
      mapped.lines.map((l) => l.line).sort((a, b) => a - b),
      [4, 8, 12, 19, 22],
    );
    assert.deepEqual(mapped.mapped, { bytes: 11111, objects: 5 });
  }
});

test('drift: a function that moved is reported, even where the old line still falls inside it', () => {
  // Two lines added at the top: every function begins two lines later, yet line 4 still lies in
  // formatter's literal, 8 in init, 12 in Map and 19 in Push — the old inside-a-declaration rule
  // took the wrong lines for these.
  const moved = DRIFT_SOURCE.replace('package m\n', 'package m\n\n// A new comment.\n').replace('\treturn "[" + s + "]"', '\treturn "[" +\n\t\ts + "]"');
  const mapped = mapDriftProfile(moved, true);
  assert.deepEqual(
    mapped.unmapped.map((u) => [u.reason, u.bytes]),
    [['file changed since profile', 1111]],
  );
  assert.deepEqual(
    mapped.lines.map((l) => l.line),
    [22],
    'the package initialiser has no function of its own to check',
  );
  assert.match(profileWarnings(mapped).join('\n'), /^1\.1 kB \(10\.0%\) not shown: \/src\/m\/a\.go changed since the profile was taken$/);
});

test('drift: without start lines, a line outside its function is still reported', () => {
  const src = DRIFT_SOURCE.replace('func Map[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n\treturn out\n}', 'var Map = 1\n\n\n');
  const mapped = mapDriftProfile(src, false);
  assert.deepEqual(
    mapped.unmapped.map((u) => [u.reason, u.bytes]),
    [['file changed since profile', 100]],
  );
});

/** A finding on /m/a.go for the join tests. */
function findingAt(line: number, column: number, kind: string, severity: 'warning' | 'information' | 'hint' = 'information') {
  return { file: '/m/a.go', line, column, endLine: line, endColumn: column + 3, severity, kind, message: kind, compiler: null, related: [], fixes: [], alloc: null, packagePath: 'm', decision: null };
}

/** A mapped profile over /m/a.go from allocation chains of [function, line] frames (placed unless the file is given). */
function mappedFrom(chains: Array<{ frames: Array<[string, number, string?]>; bytes: number }>, total = chains.reduce((s, c) => s + c.bytes, 0)): MappedProfile {
  const allocations = chains.map((c) => ({
    bytes: c.bytes,
    objects: 1,
    frames: c.frames.map(([fn, line, file]) => ({ function: fn, file: file ?? '/m/a.go', line, placed: file === undefined })),
  }));
  const lines = new Map<number, MappedProfile['lines'][number]>();
  for (const a of allocations) {
    for (const f of a.frames.filter((x) => x.placed)) {
      const zero = { bytes: 0, objects: 0 };
      lines.set(f.line, { file: f.file, line: f.line, column: 2, endColumn: 20, function: f.function, profileFile: f.file, packagePath: 'm', flat: zero, cum: zero, inlined: zero, paths: [] });
    }
  }
  const mapped = allocations.filter((a) => a.frames.some((f) => f.placed)).reduce((s, a) => s + a.bytes, 0);
  return { sampleType: 'alloc_space', total: { bytes: total, objects: chains.length }, mapped: { bytes: mapped, objects: 0 }, unmapped: [], lines: [...lines.values()], allocations };
}

test('join: an inlined allocation counts once, at the call site when it has a finding, else at the callee', () => {
  const profile = mappedFrom([
    // bufApp (line 141) inlined into cleanPath at line 103; bufApp also called once not inlined.
    {
      frames: [
        ['m.bufApp', 141],
        ['m.cleanPath', 103],
      ],
      bytes: 600,
    },
    {
      frames: [
        ['m.bufApp', 141],
        ['m.F', 90],
      ],
      bytes: 50,
    },
    { frames: [['m.bufApp', 141]], bytes: 100 },
    // strconv.Itoa inlined at line 50, a line without a finding.
    {
      frames: [
        ['strconv.Itoa', 10, '/go/src/strconv/itoa.go'],
        ['m.G', 50],
      ],
      bytes: 200,
    },
    { frames: [['m.H', 60]], bytes: 50 },
  ]);
  const joined = joinFindings([findingAt(103, 3, 'escape.heap'), findingAt(141, 11, 'escape.heap'), findingAt(103, 3, 'inline.call'), findingAt(60, 2, 'escape.heap')], profile, { minSiteShare: 0 });
  const [call, callee, inl, other] = joined;
  assert.deepEqual([call?.alloc?.bytes, callee?.alloc?.bytes, inl?.alloc?.bytes, other?.alloc?.bytes], [600, 150, 0, 50]);
  assert.deepEqual(call?.alloc?.inlined, [
    { bytes: 600, objects: 1, allocatedAt: { function: 'm.bufApp', file: '/m/a.go', line: 141 }, calledAt: { function: 'm.cleanPath', file: '/m/a.go', line: 103 } },
  ]);
  // The callee's finding carries what reaches it through line 90 (no finding there) and says where the rest is counted.
  assert.deepEqual(
    callee?.alloc?.inlined?.map((p) => [p.allocatedAt.line, p.calledAt.line, p.bytes]),
    [[141, 90, 50]],
  );
  assert.deepEqual(
    callee?.alloc?.inlinedElsewhere?.map((p) => [p.allocatedAt.line, p.calledAt.line, p.bytes]),
    [[141, 103, 600]],
  );
  assert.equal(inl?.severity, 'information', 'a non-allocation finding keeps its severity and carries no bytes');
  const sites = joined.filter((f) => f.kind === 'alloc.site');
  assert.deepEqual(
    sites.map((f) => [f.line, f.alloc?.bytes]),
    [[50, 200]],
    'the inlined standard library allocation lands on the user line that calls it',
  );
  assert.equal(sites[0]?.alloc?.inlined?.[0]?.allocatedAt.file, '/go/src/strconv/itoa.go');
  const sum = joined.reduce((s, f) => s + (f.alloc?.share ?? 0), 0);
  assert.equal(sum, 1, 'every byte once');

  // Without a finding at the call site the callee's finding takes it.
  const calleeOnly = joinFindings([findingAt(141, 11, 'escape.heap')], profile, { minSiteShare: 0 });
  assert.equal(calleeOnly[0]?.alloc?.bytes, 750);
  assert.equal(calleeOnly[0]?.alloc?.inlinedElsewhere, undefined);
});

test('join: a compiled-code finding at a call site does not take an inlined allocation from the callee line with its own finding', () => {
  // Squares (line 29, an append with escape.heap) inlined into a benchmark at line 80, where the
  // evidence stage credits the inlined growslice to the call (alloc.growslice): the callee's line
  // keeps the bytes; a compiler decision at the call site would have taken them.
  const profile = mappedFrom([
    {
      frames: [
        ['m.Squares', 29],
        ['m.BenchmarkSquares', 80],
      ],
      bytes: 300,
    },
  ]);
  const [callee, call] = joinFindings([findingAt(29, 9, 'escape.heap'), findingAt(80, 7, 'alloc.growslice')], profile, { minSiteShare: 0 });
  assert.deepEqual([callee?.alloc?.bytes, call?.alloc?.bytes], [300, 0]);
  const [callee2, call2] = joinFindings([findingAt(29, 9, 'escape.heap'), findingAt(80, 7, 'escape.heap')], profile, { minSiteShare: 0 });
  assert.deepEqual([callee2?.alloc?.bytes, call2?.alloc?.bytes], [0, 300]);
  // Only compiled-code findings on both lines: the callee's line, where the code is.
  const [callee3, call3] = joinFindings([findingAt(29, 9, 'alloc.growslice'), findingAt(80, 7, 'alloc.growslice')], profile, { minSiteShare: 0 });
  assert.deepEqual([callee3?.alloc?.bytes, call3?.alloc?.bytes], [300, 0]);
});

test('join: one line with several allocation findings: the first carries the bytes, the others point to it, all take its severity', () => {
  const profile = mappedFrom([
    { frames: [['m.F', 215]], bytes: 90 },
    { frames: [['m.F', 300]], bytes: 910 },
  ]);
  const joined = joinFindings([findingAt(215, 32, 'escape.heap'), findingAt(215, 10, 'escape.heap'), findingAt(215, 32, 'escape.moved'), findingAt(215, 4, 'loopvar.capture', 'warning')], profile);
  assert.deepEqual(
    joined.map((f) => [f.column, f.kind, f.severity, f.alloc]),
    [
      [32, 'escape.heap', 'warning', { bytes: 0, objects: 0, share: 0, countedOn: { kind: 'escape.heap', line: 215, column: 10, share: 0.09 } }],
      [10, 'escape.heap', 'warning', { bytes: 90, objects: 1, share: 0.09, lineFindings: 3 }],
      [32, 'escape.moved', 'warning', { bytes: 0, objects: 0, share: 0, countedOn: { kind: 'escape.heap', line: 215, column: 10, share: 0.09 } }],
      [4, 'loopvar.capture', 'warning', { bytes: 0, objects: 0, share: 0 }],
      [2, 'alloc.site', 'warning', { bytes: 910, objects: 1, share: 0.91 }],
    ],
  );
  assert.equal(findingCostText(joined[0]!.alloc, 'alloc_space'), '(counted on escape.heap at 215:10)');
  assert.equal(findingCostText(joined[1]!.alloc, 'alloc_space'), '(90 B · 1 object · 9.0% of alloc_space)');
  assert.equal(findingCostText(joined[3]!.alloc, 'alloc_space'), '');
});

test('join (property): the shares of the findings add up to at most 100%, and with every hot line shown the bytes add up to what mapped', () => {
  const frame = fc.record({ line: fc.integer({ min: 1, max: 8 }), placed: fc.boolean() });
  const chain = fc.record({ frames: fc.array(frame, { minLength: 1, maxLength: 4 }), bytes: fc.integer({ min: 1, max: 1_000_000 }) });
  const finding = fc.record({
    line: fc.integer({ min: 1, max: 8 }),
    column: fc.integer({ min: 1, max: 40 }),
    kind: fc.constantFrom('escape.heap', 'escape.moved', 'prealloc.slice', 'inline.call', 'loopvar.capture'),
  });
  fc.assert(
    fc.property(fc.array(chain, { maxLength: 12 }), fc.array(finding, { maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), (chains, found, unsampled) => {
      const profile = mappedFrom(
        chains.map((c) => ({ bytes: c.bytes, frames: c.frames.map((f): [string, number, string?] => (f.placed ? ['m.F', f.line] : ['dep.G', f.line, '/dep/g.go'])) })),
        chains.reduce((s, c) => s + c.bytes, 0) + unsampled,
      );
      const joined = joinFindings(
        found.map((f) => findingAt(f.line, f.column, f.kind)),
        profile,
        { minSiteShare: 0 },
      );
      const shares = joined.reduce((s, f) => s + (f.alloc?.share ?? 0), 0);
      const bytes = joined.reduce((s, f) => s + (f.alloc?.bytes ?? 0), 0);
      assert.ok(shares <= 1 + 1e-9, `shares add up to ${shares}`);
      assert.equal(bytes, profile.mapped.bytes);
    }),
    { numRuns: 300 },
  );
});

test('hover: an inlined allocation shows where it is allocated and which call brings it; a shared line points to its carrier', () => {
  const profile = mappedFrom([
    {
      frames: [
        ['example.com/m.bufApp', 141],
        ['example.com/m.cleanPath', 103],
      ],
      bytes: 600,
    },
    { frames: [['example.com/m.bufApp', 141]], bytes: 100 },
    { frames: [['example.com/m.F', 215]], bytes: 300 },
  ]);
  const joined = joinFindings([findingAt(103, 5, 'escape.heap'), findingAt(141, 11, 'escape.heap'), findingAt(215, 9, 'escape.heap'), findingAt(215, 9, 'prealloc.slice')], profile);
  const [call, callee, carrier, pointer] = joined.map((f) => costMarkdown(f.alloc!, 'alloc_space', []));
  assert.equal(
    call,
    '**Cost**: 600 B · 1 object · 60% of alloc_space\n\nAllocated by inlined code:\n\n- 600 B · 1 object allocated in `m.bufApp (a.go:141)`, inlined by the call at `m.cleanPath (a.go:103)`',
  );
  assert.equal(
    callee,
    '**Cost**: 100 B · 1 object · 10% of alloc_space\n\nCounted at the call sites this line is inlined into, not here:\n\n- 600 B · 1 object allocated in `m.bufApp (a.go:141)`, inlined by the call at `m.cleanPath (a.go:103)`',
  );
  assert.match(carrier!, /^\*\*Cost\*\*: 300 B · 1 object · 30% of alloc_space — all 2 allocations on this line together$/);
  assert.match(pointer!, /^\*\*Cost\*\*: counted on the `escape\.heap` finding at 215:9, with this line's other allocations/);
  assert.ok(joined.every((f) => hasCostSection(f.alloc)));

  // The top sites put the inlined bytes on the line that allocates, once.
  const sites = topSites(profile);
  assert.deepEqual(
    sites.map((s) => [s.line + 1, s.bytes]),
    [
      [141, 700],
      [215, 300],
    ],
  );
  assert.ok(sites.reduce((s, x) => s + x.share, 0) <= 1);
});
