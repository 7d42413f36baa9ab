// The language server's fixes pass the checks `heapscope fix` makes, on the text they change
// (#14.3, #14.4): a session over the real `go` on a fake host, no editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { applyEdits } from '../../server/src/fixes/index';
import { DEFAULT_SETTINGS, FIX_ALL_KIND, type StatusParams } from '../../server/src/protocol';
import { Session, type SessionHost } from '../../server/src/lsp/session';

/** A host that records publishes and statuses and lets the test wait for one. */
class Host implements SessionHost {
  readonly published = new Map<string, Diagnostic[]>();
  readonly statuses: StatusParams[] = [];
  private waiters: Array<() => void> = [];
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  publish(uri: string, diagnostics: Diagnostic[]): void {
    this.published.set(uri, diagnostics);
    this.wake();
  }
  status(status: StatusParams): void {
    this.statuses.push(status);
    this.wake();
  }
  log(): void {}
  progress(): Promise<{ done(): void }> {
    return Promise.resolve({ done: () => {} });
  }
  showMessage(): void {}
  refreshHints(): void {}
  async until(ok: () => boolean): Promise<void> {
    while (!ok()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

/** A module in a temporary directory with these files; returns its directory. */
function moduleWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-fixsafety-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Opens `file` in a session (clients without resolve support get resolved actions) and waits for its results. */
async function openIn(dir: string, name: string, text: string): Promise<{ session: Session; host: Host; uri: string }> {
  const host = new Host();
  const session = new Session(host);
  session.configure({ ...DEFAULT_SETTINGS, trusted: true, analyzeOn: 'save' });
  const uri = pathToFileURL(path.join(dir, name)).toString();
  session.open(uri, 1, text);
  await host.until(() => host.statuses.some((s) => s.state === 'ok' || s.state === 'compileError'));
  return { session, host, uri };
}

/** The resolved quick fixes and fix-all edits offered for a document now. */
async function actionsFor(session: Session, host: Host, uri: string): Promise<CodeAction[]> {
  const diagnostics = host.published.get(uri) ?? [];
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return session.codeActions({ textDocument: { uri }, range, context: { diagnostics } });
}

test('no sprintf-itoa code action where another file of the package declares a package-level strconv (#14.3)', { timeout: 120_000 }, async () => {
  const a = 'package p\n\nimport "fmt"\n\nfunc L(n int) string {\n\treturn fmt.Sprintf("%d", n)\n}\n';
  const dir = moduleWith({ 'go.mod': 'module example.com/p\n\ngo 1.21\n', 'a.go': a, 'b.go': 'package p\n\nvar strconv = 1\n' });
  try {
    const { session, host, uri } = await openIn(dir, 'a.go', a);
    try {
      const actions = await actionsFor(session, host, uri);
      assert.deepEqual(
        actions.map((x) => x.title),
        [],
        'the import would clash with b.go: no quick fix, no fix-all',
      );
    } finally {
      await session.dispose();
    }
    // Without the clash the same file gets the fix: the test can fail.
    writeFileSync(path.join(dir, 'b.go'), 'package p\n\nvar other = 1\n');
    const { session: s2, host: h2, uri: u2 } = await openIn(dir, 'a.go', a);
    try {
      assert.ok((await actionsFor(s2, h2, u2)).some((x) => x.kind === 'quickfix' && x.title.startsWith('Use strconv.Itoa')));
    } finally {
      await s2.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unsaved i++ later in the loop body withdraws copy-loop-var from the quick fix and fix-all (#14.4)', { timeout: 120_000 }, async () => {
  const text = `package p

func Closures() []func() int {
	var fs []func() int
	for i := 0; i < 6; i++ {
		fs = append(fs, func() int { return i })
	}
	return fs
}
`;
  const dir = moduleWith({ 'go.mod': 'module example.com/p\n\ngo 1.21\n', 'a.go': text });
  try {
    const { session, host, uri } = await openIn(dir, 'a.go', text);
    try {
      const before = await actionsFor(session, host, uri);
      const copy = before.find((x) => x.kind === 'quickfix' && x.title.startsWith('Copy loop variable'));
      assert.ok(copy, `copy-loop-var offered on the saved text: ${JSON.stringify(before.map((x) => x.title))}`);
      // Below the closure, after the fix's span: `i++` makes the loop step by two.
      const appendLine = text.split('\n').findIndex((l) => l.includes('fs = append'));
      session.change(uri, 2, [{ range: { start: { line: appendLine + 1, character: 0 }, end: { line: appendLine + 1, character: 0 } }, text: '\t\ti++\n' }]);
      const after = await actionsFor(session, host, uri);
      assert.ok(!after.some((x) => x.title.startsWith('Copy loop variable')), `no quick fix after the edit: ${JSON.stringify(after.map((x) => x.title))}`);
      const all = after.find((x) => x.kind === FIX_ALL_KIND);
      for (const edits of Object.values(all?.edit?.changes ?? {})) assert.ok(!edits.some((e) => /i := i/.test(e.newText)), 'fix-all leaves it out');
      // An edit that keeps the fix's preconditions (a comment) keeps it offered.
      session.change(uri, 3, [{ range: { start: { line: appendLine + 1, character: 0 }, end: { line: appendLine + 2, character: 0 } }, text: '\t\t// a note\n' }]);
      const kept = await actionsFor(session, host, uri);
      const quick = kept.find((x) => x.title.startsWith('Copy loop variable'));
      assert.ok(quick, 'offered again once the text is safe again');
      const current = text.replace('return i })\n', 'return i })\n\t\t// a note\n');
      const changes = quick.edit?.changes?.[uri] ?? [];
      assert.equal(changes.length, 1);
      const fixed = applyEdits(current, [
        {
          file: 'a.go',
          line: changes[0]!.range.start.line + 1,
          column: changes[0]!.range.start.character + 1,
          endLine: changes[0]!.range.end.line + 1,
          endColumn: changes[0]!.range.end.character + 1,
          newText: changes[0]!.newText,
        },
      ]);
      assert.match(fixed, /i\+\+ \{\n\t\ti := i\n\t\tfs = append/);
    } finally {
      await session.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
