// Real allocation profiles from the benchmarks in test-fixtures/profiled, compared line by line
// with `go tool pprof -lines -top` on the same files, then mapped from other places.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { StringTable, emptyTableToken } from 'pprof-format';
import {
  attributeProfiles,
  checkProfileMapsOntoModule,
  checkAllocationProfile,
  decodeProfile,
  joinFindings,
  loadProfileInWorker,
  loadProfiles,
  mapProfileToModule,
  profileReport,
  profileWarnings,
  ProfileError,
  type LocalModule,
  type MappedProfile,
  type ProfileAttribution,
} from '../../server/src/profile';
import type { Finding } from '../../server/src/engine/types';
import { runPipeline } from '../../server/src/pipeline/index';

const run = promisify(execFile);
const FIXTURE = path.resolve(__dirname, '../../test-fixtures/profiled');
const MODULE = 'example.com/profiled';
const WORKER = path.resolve(__dirname, '../../server/src/profile/worker.ts');

let tmp = '';
const prof = {} as Record<'root' | 'sub' | 'elsewhere' | 'trim' | 'container' | 'modcache' | 'cpu' | 'other', string>;

/** Returns the .go files under a directory, recursively. */
function goFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.go'))
    .map((e) => path.join(e.parentPath, e.name));
}

function moduleAt(root: string, modulePath = MODULE): LocalModule {
  return { root, modulePath, files: goFiles(root) };
}

/** Runs the benchmarks of one package and writes its allocation profile. */
async function memprofile(cwd: string, pkg: string, out: string, extra: string[] = []): Promise<void> {
  await run('go', ['test', ...extra, '-run', '^$', '-bench', '.', '-benchtime', '200x', `-memprofile=${out}`, '-memprofilerate=1', pkg], {
    cwd,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
}

/** Rewrites a profile's string table and writes it (plain protobuf, as pprof-format encodes). */
function rewriteProfile(from: string, to: string, rewrite: (s: string) => string): void {
  const p = decodeProfile(readFileSync(from), from);
  // StringTable caches each string's encoding, so build a new table in the same order (no dedup,
  // which would shift indices) through the method its own decoder uses.
  const table = new StringTable(emptyTableToken);
  for (const s of p.stringTable.strings) table._decodeString(new TextEncoder().encode(rewrite(s)));
  p.stringTable = table;
  writeFileSync(to, p.encode());
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-profile-'));
  prof.root = path.join(tmp, 'root.pprof');
  prof.sub = path.join(tmp, 'sub.pprof');
  prof.elsewhere = path.join(tmp, 'elsewhere.pprof');
  prof.trim = path.join(tmp, 'trim.pprof');
  prof.cpu = path.join(tmp, 'cpu.pprof');
  prof.other = path.join(tmp, 'other.pprof');
  prof.container = path.join(tmp, 'container.pprof');
  prof.modcache = path.join(tmp, 'modcache.pprof');
  const elsewhere = path.join(tmp, 'elsewhere', 'checkout');
  cpSync(FIXTURE, elsewhere, { recursive: true });
  const other = path.join(tmp, 'other');
  mkdirSync(other);
  writeFileSync(path.join(other, 'go.mod'), 'module example.org/other\n\ngo 1.21\n');
  writeFileSync(
    path.join(other, 'other_test.go'),
    'package other\n\nimport "testing"\n\nvar sink []int\n\nfunc BenchmarkMake(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink = make([]int, 64)\n\t}\n}\n',
  );
  // go test refuses -memprofile with several packages: one run per package. The two cores are
  // shared, so runs go two at a time.
  await Promise.all([memprofile(FIXTURE, '.', prof.root), memprofile(FIXTURE, './sub', prof.sub)]);
  await Promise.all([memprofile(elsewhere, '.', prof.elsewhere), memprofile(FIXTURE, '.', prof.trim, ['-trimpath'])]);
  await Promise.all([run('go', ['test', '-run', '^$', '-bench', 'Grow', '-benchtime', '2000x', `-cpuprofile=${prof.cpu}`, '.'], { cwd: FIXTURE }), memprofile(other, '.', prof.other)]);
  rewriteProfile(prof.root, prof.container, (s) => s.split(FIXTURE).join('/app'));
  // The module cache escapes capitals as !x: a module path with a capital shows both forms.
  rewriteProfile(prof.root, prof.modcache, (s) => s.split(FIXTURE).join('/home/ci/go/pkg/mod/example.com/!profiled@v1.2.3').split(`${MODULE}.`).join('example.com/Profiled.'));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface PprofLine {
  flat: number;
  cum: number;
}

/** Returns `go tool pprof -lines -top`'s rows (exact units, nothing dropped) keyed by `function file:line`. */
async function pprofTop(file: string, sampleIndex: string): Promise<Map<string, PprofLine>> {
  const { stdout } = await run('go', ['tool', 'pprof', '-lines', '-top', `-sample_index=${sampleIndex}`, '-unit=B', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', file], {
    maxBuffer: 1 << 28,
  });
  const rows = new Map<string, PprofLine>();
  for (const l of stdout.split('\n')) {
    const m = /^\s*(\d+)B?\s+\S+\s+\S+\s+(\d+)B?\s+\S+\s+(.*) (\S+):(\d+)(?: \((?:partial-)?inline\))?$/.exec(l);
    if (m) rows.set(`${m[3]} ${m[4]}:${m[5]}`, { flat: Number(m[1]), cum: Number(m[2]) });
  }
  assert.ok(rows.size > 10, `pprof printed rows for ${file}:\n${stdout.slice(0, 500)}`);
  return rows;
}

/** Asserts every line's flat and cum equal pprof's for both sample types of the pair. */
async function assertEqualsPprof(file: string, attribution: ProfileAttribution): Promise<void> {
  for (const [index, field] of [
    ['alloc_space', 'bytes'],
    ['alloc_objects', 'objects'],
  ] as const) {
    const want = await pprofTop(file, index);
    const got = new Map<string, PprofLine>();
    for (const l of attribution.lines) {
      if (l.flat[field] !== 0 || l.cum[field] !== 0) got.set(`${l.function} ${l.file}:${l.line}`, { flat: l.flat[field], cum: l.cum[field] });
    }
    assert.deepEqual(got, want, `${index} per line`);
  }
}

/** Asserts that every module line of pprof's output landed on root/<relative path> with pprof's numbers. */
async function assertMapsLikePprof(file: string, mapped: MappedProfile, root: string, relative: (profileFile: string) => string, modulePrefix = MODULE): Promise<void> {
  const want = await pprofTop(file, 'alloc_space');
  const expected = new Map<string, PprofLine>();
  for (const [key, v] of want) {
    const [, fn, profileFile, line] = /^(\S+) (.*):(\d+)$/.exec(key) ?? [];
    assert.ok(fn !== undefined && profileFile !== undefined, key);
    if (!fn.startsWith(`${modulePrefix}.`) && !fn.startsWith(`${modulePrefix}/`)) continue;
    expected.set(`${path.join(root, relative(profileFile))}:${line}`, v);
  }
  const got = new Map<string, PprofLine>();
  for (const l of mapped.lines) if (l.flat.bytes !== 0 || l.cum.bytes !== 0) got.set(`${l.file}:${l.line}`, { flat: l.flat.bytes, cum: l.cum.bytes });
  assert.ok(expected.size >= 2, `module lines in the profile: ${[...want.keys()].join('\n')}`);
  assert.deepEqual(got, expected);
  const unmappedBytes = mapped.unmapped.reduce((s, u) => s + u.bytes, 0);
  assert.equal(mapped.mapped.bytes + unmappedBytes, mapped.total.bytes, 'mapped + unmapped = total');
  assert.ok(
    mapped.unmapped.every((u) => u.reason === 'not in this module'),
    JSON.stringify(mapped.unmapped.filter((u) => u.reason !== 'not in this module')),
  );
}

test('per-line flat and cum equal go tool pprof -lines (root package, alloc_space and alloc_objects)', async () => {
  const { attribution } = loadProfiles([prof.root]);
  await assertEqualsPprof(prof.root, attribution);
  // The inlined newPoint allocates at its own line, credited to both call sites in Pair.
  const at = (line: number, fn: string) => attribution.lines.find((l) => l.line === line && l.function === fn && l.file.endsWith('alloc.go'));
  const newPoint = at(13, `${MODULE}.newPoint`);
  assert.ok(newPoint && newPoint.flat.objects >= 400);
  const call1 = at(27, `${MODULE}.Pair`);
  const call2 = at(28, `${MODULE}.Pair`);
  assert.ok(call1 && call2);
  assert.equal(call1.inlined.bytes + call2.inlined.bytes, newPoint.flat.bytes);
  assert.equal(newPoint.paths[0]?.frames[0]?.line, 13);
});

test('per-line numbers equal pprof for the nested package and for a -trimpath build', async () => {
  await assertEqualsPprof(prof.sub, loadProfiles([prof.sub]).attribution);
  await assertEqualsPprof(prof.trim, loadProfiles([prof.trim]).attribution);
});

test('maps the in-place, elsewhere, -trimpath and container profiles onto the fixture', async () => {
  const module = moduleAt(FIXTURE);
  const elsewhereRoot = path.join(tmp, 'elsewhere', 'checkout');
  const cases: Array<[string, (f: string) => string]> = [
    [prof.root, (f) => path.relative(FIXTURE, f)],
    [prof.sub, (f) => path.relative(FIXTURE, f)],
    [prof.elsewhere, (f) => path.relative(elsewhereRoot, f)],
    [prof.trim, (f) => f.slice(`${MODULE}/`.length)],
    [prof.container, (f) => f.slice('/app/'.length)],
  ];
  for (const [file, relative] of cases) {
    const mapped = mapProfileToModule(loadProfiles([file]).attribution, module);
    await assertMapsLikePprof(file, mapped, FIXTURE, relative);
    assert.deepEqual(profileWarnings(mapped), []);
  }
});

test('maps module-cache paths with escaped capitals', async () => {
  // The fixture copied under a module path with a capital letter, as the cache would hold it.
  const root = path.join(tmp, 'capital');
  cpSync(FIXTURE, root, { recursive: true });
  const mapped = mapProfileToModule(loadProfiles([prof.modcache]).attribution, moduleAt(root, 'example.com/Profiled'));
  const prefix = '/home/ci/go/pkg/mod/example.com/!profiled@v1.2.3/';
  await assertMapsLikePprof(prof.modcache, mapped, root, (f) => f.slice(prefix.length), 'example.com/Profiled');
});

test('several profiles merge: per-line sums', () => {
  const a = loadProfiles([prof.root]).attribution;
  const b = loadProfiles([prof.sub]).attribution;
  const both = loadProfiles([prof.root, prof.sub]).attribution;
  assert.deepEqual(both.total, { bytes: a.total.bytes + b.total.bytes, objects: a.total.objects + b.total.objects });
  const key = (l: { function: string; file: string; line: number }) => `${l.function} ${l.file}:${l.line}`;
  const sum = new Map<string, number>();
  for (const l of [...a.lines, ...b.lines]) sum.set(key(l), (sum.get(key(l)) ?? 0) + l.cum.bytes);
  for (const l of both.lines) assert.equal(l.cum.bytes, sum.get(key(l)), key(l));
});

test('a file changed since the profile is reported, not given wrong numbers', () => {
  const root = path.join(tmp, 'drift');
  cpSync(FIXTURE, root, { recursive: true });
  const allocGo = path.join(root, 'alloc.go');
  // Ten new lines above everything: Grow's append (line 38) now falls inside Pair.
  const src = readFileSync(allocGo, 'utf8').replace('import "strconv"\n', `import "strconv"\n${'\n// added later\n'.repeat(5)}`);
  writeFileSync(allocGo, src);
  // And a shortened sub.go: its lines lie beyond the end of the file.
  writeFileSync(path.join(root, 'sub', 'sub.go'), 'package sub\n\ntype Table struct{ rows [][]string }\n');
  const module = moduleAt(root);
  const mapped = mapProfileToModule(loadProfiles([prof.root, prof.sub]).attribution, module);
  const drifted = mapped.unmapped.filter((u) => u.reason === 'file changed since profile');
  assert.ok(
    drifted.some((u) => u.file === path.join(FIXTURE, 'alloc.go') && u.bytes > 0),
    JSON.stringify(mapped.unmapped),
  );
  assert.ok(mapped.unmapped.some((u) => u.reason === 'line beyond end of file' && u.file.endsWith('sub/sub.go')));
  assert.ok(!mapped.lines.some((l) => l.file === allocGo && l.line === 38), 'nothing placed on the drifted line');
  assert.match(profileWarnings(mapped).join('\n'), /alloc\.go changed since the profile was taken/);
});

test('join: findings get their line cost, inlined allocations credit the call site, hot lines become alloc findings', () => {
  const loaded = loadProfiles([prof.root]);
  const mapped = mapProfileToModule(loaded.attribution, moduleAt(FIXTURE));
  const allocGo = path.join(FIXTURE, 'alloc.go');
  const finding = (line: number, kind: string): Finding => ({
    file: allocGo,
    line,
    column: 2,
    endLine: line,
    endColumn: 10,
    severity: 'information',
    kind,
    message: 'm',
    compiler: null,
    related: [],
    fixes: [],
    alloc: null,
    packagePath: MODULE,
    decision: null,
  });
  const joined = joinFindings([finding(27, 'escape.heap'), finding(38, 'escape.heap'), finding(27, 'inline.call')], mapped);
  const [call, grow, inl] = joined;
  assert.ok(call && grow && inl, `three findings joined, got ${joined.length}`);
  const line = (n: number) => mapped.lines.find((l) => l.file === allocGo && l.line === n);
  assert.equal(call.alloc?.bytes, line(27)?.inlined.bytes);
  assert.ok((call.alloc?.bytes ?? 0) > 0);
  assert.equal(grow.alloc?.bytes, line(38)?.flat.bytes);
  assert.equal(grow.severity, 'warning');
  assert.equal(grow.alloc?.share, (line(38)?.flat.bytes ?? 0) / mapped.total.bytes);
  assert.equal(inl.severity, 'information', 'non-allocation kinds keep their severity');
  const sites = joined.filter((f) => f.kind === 'alloc.site');
  const makeBuffer = sites.find((f) => f.line === 20);
  assert.ok(makeBuffer, 'MakeBuffer line becomes an alloc finding');
  assert.equal(makeBuffer.severity, 'warning');
  assert.match(makeBuffer.message, /^\d+\.\d kB · 402 objects allocated here \(\d+% of alloc_space\)$/);
  assert.ok(!sites.some((f) => f.file === allocGo && (f.line === 38 || f.line === 27)), 'lines with findings are not duplicated');

  const report = profileReport(loaded.files, mapped);
  assert.deepEqual(Object.keys(report), ['files', 'sampleType', 'total', 'mapped', 'unmapped', 'sites']);
  assert.deepEqual(report.sites[0], { file: allocGo, line: 38, function: `${MODULE}.Grow`, flat: line(38)?.flat, cum: line(38)?.cum });
});

/** The forms.go lines that allocate in the fixture's benchmarks, by the function the profile names there. */
const FORMS = [
  [12, `${MODULE}.init.func1`], // a package-level variable's func literal
  [20, `${MODULE}.init.0.func1`], // a closure made in init
  [27, `${MODULE}.Wrap[go.shape.int]`], // a generic function
  [38, `${MODULE}.(*Box[go.shape.string]).Put`], // a method of a generic type
  [44, `${MODULE}.label`], // inlined into Labels
] as const;

test('drift: package-level func literals, init closures, generics and methods of generic types map from a real profile of the unchanged files', () => {
  const mapped = mapProfileToModule(loadProfiles([prof.root]).attribution, moduleAt(FIXTURE));
  const formsGo = path.join(FIXTURE, 'forms.go');
  for (const [line, fn] of FORMS) {
    const l = mapped.lines.find((x) => x.file === formsGo && x.line === line);
    assert.ok(l && l.function === fn && l.flat.bytes > 0, `${fn} at forms.go:${line} placed: ${JSON.stringify(l)}`);
  }
  assert.deepEqual(
    mapped.unmapped.filter((u) => u.reason !== 'not in this module'),
    [],
  );
  assert.deepEqual(profileWarnings(mapped), []);
});

test('drift: a real profile of forms.go before a line was added above its functions is reported for each of them', () => {
  const root = path.join(tmp, 'forms-drift');
  cpSync(FIXTURE, root, { recursive: true });
  const formsGo = path.join(root, 'forms.go');
  writeFileSync(formsGo, readFileSync(formsGo, 'utf8').replace('import "strconv"\n', 'import "strconv"\n\n// A line added since the profile.\n'));
  const mapped = mapProfileToModule(loadProfiles([prof.root]).attribution, moduleAt(root));
  assert.ok(!mapped.lines.some((l) => l.file === formsGo && l.flat.bytes > 0), 'no bytes on the moved lines');
  const drifted = mapped.unmapped.filter((u) => u.reason === 'file changed since profile');
  assert.deepEqual(
    drifted.map((u) => u.file),
    [path.join(FIXTURE, 'forms.go')],
  );
  assert.match(profileWarnings(mapped).join('\n'), /forms\.go changed since the profile was taken/);
});

test('each sampled byte once: real findings joined with a real profile add up to what pprof counts', async () => {
  const { attribution } = loadProfiles([prof.root]);
  const result = await runPipeline({ compile: { cwd: FIXTURE, patterns: ['.'], tests: true }, profile: attribution });
  const mapped = result.profile;
  assert.ok(mapped);
  const share = result.findings.reduce((s, f) => s + (f.alloc?.share ?? 0), 0);
  assert.ok(share <= 1 + 1e-9, `the shares shown add up to ${share}`);
  // With every hot line shown, the findings hold exactly the bytes that mapped; with what did
  // not map, pprof's total (the sum of its flat column).
  const all = joinFindings(result.raw, mapped, { minSiteShare: 0 });
  const bytes = all.reduce((s, f) => s + (f.alloc?.bytes ?? 0), 0);
  assert.equal(bytes, mapped.mapped.bytes);
  const pprof = await pprofTop(prof.root, 'alloc_space');
  const pprofTotal = [...pprof.values()].reduce((s, r) => s + r.flat, 0);
  assert.equal(bytes + mapped.unmapped.reduce((s, u) => s + u.bytes, 0), pprofTotal);

  // label is inlined twice into line 51, which the compiler reports at both calls: the first
  // carries the bytes label's line allocates in them (pprof's flat there: label is never called
  // otherwise), the second points to it, and label's own line counts none of it. (strconv's
  // FormatInt is a real call, not inlined: its bytes are its own line's, outside the module.)
  const formsGo = path.join(FIXTURE, 'forms.go');
  const on = (line: number) => result.findings.filter((f) => f.file === formsGo && f.line === line && f.kind === 'escape.heap');
  const [first, second] = on(51).sort((a, b) => a.column - b.column);
  assert.ok(first && second, 'two escape findings at the inlined calls');
  const labelFlat = pprof.get(`${MODULE}.label ${formsGo}:44`)?.flat;
  assert.ok(labelFlat !== undefined && labelFlat > 0);
  assert.equal(first.alloc?.bytes, labelFlat);
  assert.equal(first.alloc?.lineFindings, 2);
  // Where it is allocated and which call brings it there.
  assert.deepEqual(
    first.alloc?.inlined?.map((p) => [p.allocatedAt.function, p.allocatedAt.line, p.calledAt.function, p.calledAt.line, p.bytes]),
    [[`${MODULE}.label`, 44, `${MODULE}.Labels`, 51, labelFlat]],
  );
  assert.deepEqual(second.alloc?.countedOn, { kind: 'escape.heap', line: 51, column: first.column, share: first.alloc?.share });
  const [own] = on(44);
  assert.ok(own);
  assert.equal(own.alloc?.bytes, 0, "label's own line: every call was inlined");
  assert.deepEqual(
    own.alloc?.inlinedElsewhere?.map((p) => p.calledAt.line),
    [51],
  );
});

test('the worker thread returns the same attribution, and the same errors', async () => {
  const inThread = loadProfiles([prof.root, prof.sub]);
  const inWorker = await loadProfileInWorker([prof.root, prof.sub], {}, WORKER);
  assert.deepEqual(inWorker, inThread);
  await assert.rejects(loadProfileInWorker([prof.cpu], {}, WORKER), (err: unknown) => err instanceof ProfileError && /CPU profile/.test(err.message));
});

test('bad input: each gets a plain message saying what the file looks like and what to give instead', async () => {
  const bad = (name: string, bytes: Uint8Array, code: string, pattern: RegExp, maxBytes?: number) => {
    const file = path.join(tmp, name);
    writeFileSync(file, bytes);
    assert.throws(
      () => loadProfiles([file], { maxBytes }),
      (err: unknown) => err instanceof ProfileError && err.code === code && pattern.test(err.message) && err.message.startsWith(file) && !/Unrecognized|wire type/.test(err.message),
      name,
    );
  };
  const instead = /go test -memprofile.*\/debug\/pprof\/allocs/;
  const real = readFileSync(prof.root);
  const json = (await run('go', ['list', '-json', '.'], { cwd: FIXTURE })).stdout;
  bad('random.bin', randomBytes(4096), 'not-a-profile', /this is binary data that is not a pprof profile/);
  bad('empty.pprof', new Uint8Array(0), 'not-a-profile', /: the file is empty; give a heap\/allocs profile/);
  bad('source.pprof', readFileSync(path.join(FIXTURE, 'alloc.go')), 'not-a-profile', /: this is a text file, not a pprof profile; give a heap\/allocs profile/);
  bad('list.json', Buffer.from(json), 'not-a-profile', /: this is a JSON file, not a pprof profile/);
  bad('truncated.pprof', real.subarray(0, Math.floor(real.length / 2)), 'truncated', /: the gzip data ends early: the file is truncated/);
  bad('bomb.pprof', gzipSync(Buffer.alloc(64 << 20)), 'too-large', /more than the limit of 1048576 bytes/, 1 << 20);
  bad('cpu.pprof', readFileSync(prof.cpu), 'not-an-allocation-profile', /this is a CPU profile \(sample types samples\/count, cpu\/nanoseconds\), not an allocation profile/);
  for (const name of ['random.bin', 'empty.pprof', 'source.pprof', 'list.json', 'truncated.pprof', 'cpu.pprof']) {
    assert.throws(
      () => loadProfiles([path.join(tmp, name)]),
      (err: unknown) => err instanceof ProfileError && instead.test(err.message),
      `${name} says what to give instead`,
    );
  }
  assert.throws(
    () => loadProfiles([path.join(tmp, 'missing.pprof')]),
    (err: unknown) => err instanceof ProfileError && err.code === 'read-failed',
  );
});

test('a profile of another program maps 0% and is refused by the one rule', () => {
  const mapped = mapProfileToModule(loadProfiles([prof.other]).attribution, moduleAt(FIXTURE));
  assert.equal(mapped.mapped.bytes, 0);
  assert.equal(mapped.lines.length, 0);
  assert.ok(mapped.total.bytes > 0);
  assert.deepEqual(profileWarnings(mapped), []);
  assert.throws(
    () => checkProfileMapsOntoModule(mapped, [prof.other], MODULE),
    (err: unknown) => err instanceof ProfileError && err.code === 'not-this-module' && /0% of the profile's .* maps onto module example\.com\/profiled: .*another program/.test(err.message),
  );
  assert.ok(mapped.unmapped.some((u) => u.file.endsWith('other_test.go') && u.reason === 'not in this module'));
});

test('an inuse_space selection attributes the inuse pair', async () => {
  const p = decodeProfile(readFileSync(prof.root), prof.root);
  checkAllocationProfile(p, prof.root);
  const a = attributeProfiles([p], { sampleType: 'inuse_space' });
  const { stdout } = await run('go', ['tool', 'pprof', '-top', '-sample_index=inuse_space', '-unit=B', prof.root]);
  const total = /of (\d+)B total/.exec(stdout);
  assert.ok(total);
  assert.equal(a.total.bytes, Number(total[1]));
});
