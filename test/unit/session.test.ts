// The language server's session with no connection and no `go`: a fake host records what the
// session sends, and the compiler answers with the recorded run of test-fixtures/example. Every
// wait is on an event the session sends (a status, a publish), never on a sleep.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import type { CompilerRun, CompilerRunOptions } from '../../server/src/engine/goRunner';
import type { PipelineDeps } from '../../server/src/pipeline/index';
import { DEFAULT_SETTINGS, type HeapscopeSettings, type StatusParams } from '../../server/src/protocol';
import { Session, type SessionHost } from '../../server/src/lsp/session';
import { recordedDeps, recordedRun, repoRoot } from '../helpers/recordedRun';

const demo = path.join(repoRoot, 'test-fixtures/example/demo.go');
const demoUri = pathToFileURL(demo).toString();
const demoText = readFileSync(demo, 'utf8');

type HostEvent =
  | { type: 'publish'; uri: string; diagnostics: Diagnostic[] }
  | { type: 'status'; status: StatusParams }
  | { type: 'log'; level: string; message: string }
  | { type: 'progress'; message: string; done: boolean };

/** A SessionHost that records everything and lets a test wait for an event. */
class FakeHost implements SessionHost {
  readonly events: HostEvent[] = [];
  private waiters: Array<() => void> = [];

  private record(e: HostEvent): void {
    this.events.push(e);
    for (const w of this.waiters.splice(0)) w();
  }

  publish(uri: string, diagnostics: Diagnostic[]): void {
    this.record({ type: 'publish', uri, diagnostics });
  }
  status(status: StatusParams): void {
    this.record({ type: 'status', status });
  }
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.record({ type: 'log', level, message });
  }
  progress(_title: string, message: string): Promise<{ done(): void }> {
    this.record({ type: 'progress', message, done: false });
    return Promise.resolve({ done: () => this.record({ type: 'progress', message, done: true }) });
  }
  showMessage(level: 'warn' | 'error', message: string): void {
    this.record({ type: 'log', level, message });
  }
  refreshHints(): void {}

  get statuses(): StatusParams[] {
    return this.events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
  }

  /** The diagnostics of the last publish for `uri` (undefined when none). */
  lastPublish(uri: string): Diagnostic[] | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.type === 'publish' && e.uri === uri) return e.diagnostics;
    }
    return undefined;
  }

  /** Resolves with the first event from index `from` on that `pick` accepts. */
  async waitFor<T>(pick: (e: HostEvent) => T | undefined, from = 0): Promise<T> {
    for (;;) {
      for (let i = from; i < this.events.length; i++) {
        const v = pick(this.events[i]!);
        if (v !== undefined) return v;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  waitForStatus(state: StatusParams['state'], from = 0): Promise<StatusParams> {
    return this.waitFor((e) => (e.type === 'status' && e.status.state === state ? e.status : undefined), from);
  }
}

/** A session on a fake host with the recorded compiler; `settings` replace the defaults before anything opens. */
function start(settings: Partial<HeapscopeSettings> = {}, deps: PipelineDeps & { requests: CompilerRunOptions[] } = recordedDeps('example', 'go1.26.8')) {
  const host = new FakeHost();
  const session = new Session(host, deps);
  session.configure({ ...DEFAULT_SETTINGS, ...settings });
  return { host, session, deps };
}

/** Opens demo.go and waits until its package's results are shown. */
async function openDemo(host: FakeHost, session: Session): Promise<{ status: StatusParams; diagnostics: Diagnostic[] }> {
  const from = host.events.length;
  session.open(demoUri, 1, demoText);
  const status = await host.waitForStatus('ok', from);
  return { status, diagnostics: host.lastPublish(demoUri) ?? [] };
}

const movedP = (ds: readonly Diagnostic[]): Diagnostic | undefined => ds.find((d) => d.code === 'escape.moved' && typeof d.message === 'string' && d.message.startsWith('`p` is moved to the heap'));

test('opening a file compiles its package once and publishes its findings; the status counts heap allocations', { timeout: 30_000 }, async () => {
  const { host, session, deps } = start();
  const { status, diagnostics } = await openDemo(host, session);
  assert.equal(deps.requests.length, 1);
  assert.equal(deps.requests[0]?.cwd, path.dirname(demo));
  assert.deepEqual(deps.requests[0]?.gcflags, ['-m=2']);
  const moved = movedP(diagnostics);
  assert.ok(moved, 'escape.moved for p');
  assert.equal(moved.range.start.line, 15);
  assert.equal(moved.range.start.character, 1);
  assert.equal(moved.source, 'heapscope');
  assert.equal(status.dir, path.dirname(demo));
  assert.equal(status.heapAllocations, 17);
  assert.match(status.message, /: 17 heap allocations$/);
  // Opened again after a close, the cached results are shown without another compile.
  session.close(demoUri);
  assert.deepEqual(host.lastPublish(demoUri), []);
  session.open(demoUri, 2, demoText);
  assert.equal(deps.requests.length, 1);
  assert.deepEqual(host.lastPublish(demoUri), diagnostics);
  await session.dispose();
});

test('an edit above a finding moves its diagnostic at once, with no compile', { timeout: 30_000 }, async () => {
  const { host, session, deps } = start();
  await openDemo(host, session);
  const from = host.events.length;
  session.change(demoUri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// a new first line\n' }]);
  // Published on a later turn of the event loop (coalesced with any edits that follow).
  const after = await host.waitFor((e) => (e.type === 'publish' && e.uri === demoUri ? e.diagnostics : undefined), from);
  assert.equal(movedP(after)?.range.start.line, 16);
  assert.equal(deps.requests.length, 1);
  await session.dispose();
  assert.equal(deps.requests.length, 1, 'no compile after the edit (analyzeOn is save)');
});

test('hover on a moved variable explains it', { timeout: 30_000 }, async () => {
  const { host, session } = start();
  await openDemo(host, session);
  const hover = session.hover(demoUri, { line: 15, character: 1 });
  assert.ok(hover);
  const value = (hover.contents as { kind: string; value: string }).value;
  assert.match(value, /`p` is moved to the heap/);
  assert.match(value, /moved to heap: p/, "the compiler's own words");
  assert.deepEqual(hover.range, { start: { line: 15, character: 1 }, end: { line: 15, character: 2 } });
  assert.equal(session.hover(demoUri, { line: 2, character: 0 }), null, 'nothing on the package clause');
  await session.dispose();
});

test('explanation steps go into related information only for a client that takes it; the hover has them either way', { timeout: 30_000 }, async () => {
  for (const takes of [true, false]) {
    const { host, session } = start();
    session.relatedInformation = takes;
    const { diagnostics } = await openDemo(host, session);
    const p = movedP(diagnostics);
    assert.ok(p, 'the moved p is published');
    if (takes) assert.ok((p.relatedInformation ?? []).length >= 2, 'steps as related information');
    else assert.equal(p.relatedInformation, undefined, 'no related information for a client without the capability');
    const value = (session.hover(demoUri, { line: 15, character: 1 })?.contents as { value: string } | undefined)?.value ?? '';
    assert.match(value, /its address is/, 'the hover explains the flow');
    await session.dispose();
  }
});

test('the prealloc.slice diagnostic offers its quick fix with an edit', { timeout: 30_000 }, async () => {
  const { host, session } = start();
  const { diagnostics } = await openDemo(host, session);
  const prealloc = diagnostics.find((d) => d.code === 'prealloc.slice');
  assert.ok(prealloc, 'prealloc.slice diagnostic');
  const actions = await session.codeActions({ textDocument: { uri: demoUri }, range: prealloc.range, context: { diagnostics: [prealloc] } });
  const quick = actions.filter((a) => a.kind === 'quickfix');
  assert.equal(quick.length, 1);
  const changes = quick[0]!.edit?.changes?.[demoUri];
  assert.ok(changes && changes.length > 0, 'resolved at once (the client has no resolve support)');
  assert.ok(changes.some((e) => e.newText.includes('make(')));
  // Fix-all is offered too, and only when asked for its kind.
  assert.ok(actions.some((a) => a.kind === 'source.fixAll.heapscope'));
  const onlyQuick = await session.codeActions({ textDocument: { uri: demoUri }, range: prealloc.range, context: { diagnostics: [prealloc], only: ['quickfix'] } });
  assert.ok(onlyQuick.every((a) => a.kind === 'quickfix'));
  await session.dispose();
});

test('an untrusted workspace never runs the compiler', { timeout: 30_000 }, async () => {
  const { host, session, deps } = start({ trusted: false });
  session.open(demoUri, 1, demoText);
  session.save(demoUri);
  await session.analyzeNow(demoUri);
  await session.dispose();
  assert.equal(deps.requests.length, 0);
  assert.ok(host.statuses.length > 0);
  assert.ok(host.statuses.every((s) => s.state === 'untrusted'));
});

test('an untrusted workspace never reads the profiles its settings name; trusting it loads them', { timeout: 30_000 }, async () => {
  const missing = path.join(path.dirname(demo), 'no-such.pprof');
  const { host, session } = start({ trusted: false, profiles: [missing] });
  const profileState = (session as unknown as { profiles: { loading: Promise<void> } }).profiles;
  await profileState.loading;
  assert.ok(!host.events.some((e) => e.type === 'log' && e.message.includes(missing)), 'nothing about the profile: it was not read');
  session.configure({ ...DEFAULT_SETTINGS, trusted: true, profiles: [missing] });
  await profileState.loading;
  assert.ok(
    host.events.some((e) => e.type === 'log' && e.message.includes(missing) && /cannot read/.test(e.message)),
    'trusted: the profile is read',
  );
  await session.dispose();
});

test('a second save while the first compile is pending supersedes it', { timeout: 30_000 }, async () => {
  const requests: CompilerRunOptions[] = [];
  const pending: Array<(run: CompilerRun) => void> = [];
  let called: (() => void) | null = null;
  const deps = {
    prefetch: false,
    requests,
    runCompiler: (opts: CompilerRunOptions) =>
      new Promise<CompilerRun>((resolve) => {
        requests.push(opts);
        pending.push(resolve);
        called?.();
      }),
  };
  const compiles = (n: number): Promise<void> => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => (called = () => requests.length >= n && resolve())));
  const { host, session } = start({}, deps);
  session.open(demoUri, 1, demoText);
  await compiles(1);
  session.save(demoUri);
  await compiles(2);
  assert.equal(requests[0]?.signal?.aborted, true, 'the first run is aborted');
  assert.equal(requests[1]?.signal?.aborted, false);
  // The superseded run answers first, as a runner that ignores the signal would: its results are
  // dropped. Its progress ends when the pipeline stops, and anything it showed would come before that.
  pending[0]!(recordedRun('example', 'go1.26.8'));
  await host.waitFor((e) => (e.type === 'progress' && e.done ? e : undefined));
  assert.ok(!host.statuses.some((s) => s.state === 'ok'), 'nothing shown from the superseded run');
  assert.ok(!host.events.some((e) => e.type === 'publish'));
  // A saved file that is not a test file: the package alone first, then with its test variant.
  assert.equal(requests[1]?.tests, false, 'the package alone first');
  pending[1]!(recordedRun('example', 'go1.26.8'));
  await host.waitForStatus('ok');
  assert.equal(host.events.filter((e) => e.type === 'publish' && e.uri === demoUri).length, 1);
  await compiles(3);
  assert.equal(requests[2]?.tests, true, 'then the test variant');
  const from = host.events.length;
  pending[2]!(recordedRun('example', 'go1.26.8'));
  await host.waitForStatus('ok', from);
  assert.equal(host.statuses.filter((s) => s.state === 'analysing').length, 3);
  assert.equal(host.events.filter((e) => e.type === 'publish' && e.uri === demoUri).length, 2);
  await session.dispose();
});

test('settings that hide a family remove its diagnostics on re-publish, without a compile', { timeout: 30_000 }, async () => {
  const { host, session, deps } = start();
  const { diagnostics } = await openDemo(host, session);
  assert.ok(diagnostics.some((d) => String(d.code).startsWith('escape.')));
  const from = host.events.length;
  session.configure({ ...DEFAULT_SETTINGS, kinds: { escape: { enabled: false } } });
  const now = await host.waitFor((e) => (e.type === 'publish' && e.uri === demoUri ? e.diagnostics : undefined), from);
  assert.ok(now.length > 0);
  assert.ok(!now.some((d) => String(d.code).startsWith('escape.')));
  assert.ok(now.some((d) => d.code === 'prealloc.slice'));
  assert.equal(deps.requests.length, 1);
  // Hidden findings have no hover either.
  assert.equal(session.hover(demoUri, { line: 15, character: 1 }), null);
  await session.dispose();
});

/** Sends `n` edits of demo.go from `version` on, each inserting a comment line at the top, and returns the next version. */
function flood(session: Session, version: number, n: number): number {
  for (let i = 0; i < n; i++) session.change(demoUri, version++, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `// edit ${i}\n` }]);
  return version;
}

/** Resolves after `ms` milliseconds (to space edits out as an editor would; the assertions wait on events). */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a flood of edits is published coalesced, and the last publish shows the last version', { timeout: 30_000 }, async () => {
  const { host, session } = start();
  const { diagnostics: opened } = await openDemo(host, session);
  const from = host.events.length;
  // 200 edits in bursts of 20 in one turn each, as a client that writes faster than the server reads.
  let version = 2;
  for (let burst = 0; burst < 10; burst++) {
    version = flood(session, version, 20);
    await pause(1);
  }
  // The last publish is the last version's diagnostics: `p` moved down by 200 lines.
  const last = await host.waitFor((e) => (e.type === 'publish' && e.uri === demoUri && movedP(e.diagnostics)?.range.start.line === 215 ? e.diagnostics : undefined), from);
  await pause(20);
  const publishes = host.events.slice(from).filter((e) => e.type === 'publish' && e.uri === demoUri);
  assert.ok(publishes.length <= 12, `at most one publish per burst (and one more), got ${publishes.length} for 200 edits`);
  assert.deepEqual(host.lastPublish(demoUri), last);
  // Every finding is below the top line the edits insert at: each moved by exactly 200 lines, nothing else changed.
  const down = (d: Diagnostic): Diagnostic => ({ ...d, range: { start: { ...d.range.start, line: d.range.start.line + 200 }, end: { ...d.range.end, line: d.range.end.line + 200 } } });
  assert.deepEqual(last, opened.map(down));
  await session.dispose();
});

test('a hover during a flood of edits answers at once, from the current text', { timeout: 30_000 }, async () => {
  const { host, session } = start();
  await openDemo(host, session);
  let version = 2;
  for (let burst = 0; burst < 10; burst++) {
    version = flood(session, version, 20);
    // `p` is 20 more lines down after each burst; the hover finds it there before anything was published.
    const t0 = performance.now();
    const hover = session.hover(demoUri, { line: 15 + 20 * (burst + 1), character: 1 });
    const ms = performance.now() - t0;
    assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', /`p` is moved to the heap/, `hover after burst ${burst}`);
    assert.ok(ms < 100, `hover answered in ${ms.toFixed(1)} ms`);
    await pause(1);
  }
  await session.dispose();
});
