// The real-VS-Code tier: the packaged .vsix installed into code-server (VS Code for the web),
// driven by playwright-core in Debian's headless Chromium on a temp copy of test-fixtures/example.
// It installs what it needs (Debian packages, code-server into a cache dir) and saves screenshots
// to docs/images/ (only from steps that passed; failures go to the temp dir it prints).
//
// Run: `npm run test:e2e` (packs the .vsix first). HEAPSCOPE_E2E_VSIX picks another package,
// HEAPSCOPE_E2E_CACHE another cache dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import {
  chromiumPath,
  ensureAptPackages,
  ensureCodeServer,
  installExtension,
  recordedGoCalls,
  recordingGo,
  startCodeServer,
  writeUserSettings,
  type CodeServerDirs,
  type RunningCodeServer,
} from './codeServer';
import { dismissWidgets, goToLine, heapscopeStatusItem, hoverSettled, openFile, renderedLines, renderedSquiggles, runCommand, squiggleBox, waitForValue, type RenderedSquiggle } from './workbench';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  publisher: string;
  version: string;
  contributes: { commands: { command: string; title: string; category?: string }[] };
};
const vsix = process.env.HEAPSCOPE_E2E_VSIX ?? path.join(root, `${pkg.name}-${pkg.version}.vsix`);
const images = path.join(root, 'docs', 'images');
const log = (line: string): void => void process.stderr.write(`# e2e: ${line}\n`);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Settings that keep first-run UI (welcome page, tips, recommendations) from covering the editor. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 150,
  'files.simpleDialog.enable': true,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

let tmp = '';
let workspace = '';
let codeServerBin = '';
let extensionsDir = '';
let browser: Browser | undefined;
let server: RunningCodeServer | undefined;
let page: Page | undefined;
const goLog = (): string => path.join(tmp, 'go-calls.log');
/**
 * A `go` that logs its calls, set as the user's heapscope.goPath (a user setting applies in
 * Restricted Mode too; code-server's extension host takes PATH from a login shell, not from us).
 */
const recordingGoPath = (): string => path.join(recordingGo(path.join(tmp, 'fakebin'), goLog()), 'go');

/** Saves a screenshot into docs/images (the README uses them). */
async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(images, { recursive: true });
  await p.screenshot({ path: path.join(images, name) });
}

/** Runs a step; on failure saves a screenshot of the page into the temp dir and says where. */
async function step<T>(p: Page, name: string, body: () => Promise<T>): Promise<T> {
  try {
    // Each step starts from the editor, whatever the previous one left open.
    await dismissWidgets(p);
    return await body();
  } catch (err) {
    const file = path.join(os.tmpdir(), `heapscope-e2e-failure-${name}.png`);
    await p.screenshot({ path: file }).catch(() => undefined);
    log(`step "${name}" failed; screenshot: ${file}`);
    for (const line of serverLogTail()) log(`server log: ${line}`);
    throw err;
  }
}

/** The last lines of the language server's log (its output channel, as code-server writes it) in every user data dir of this run. */
function serverLogTail(lines = 40): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Heapscope.log') out.push(`${path.relative(tmp, p)}:`, ...readFileSync(p, 'utf8').trimEnd().split('\n').slice(-lines));
    }
  };
  try {
    for (const d of readdirSync(tmp)) if (d.startsWith('user-')) walk(path.join(tmp, d));
  } catch {
    // The log is a help for reading a failure, never its cause.
  }
  return out;
}

/** Starts code-server for the workspace and opens it in a new browser page. */
async function openWorkbench(dirs: CodeServerDirs, extraArgs: string[]): Promise<{ server: RunningCodeServer; page: Page }> {
  const s = await startCodeServer(codeServerBin, dirs, { extraArgs });
  if (browser === undefined) browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const p = await context.newPage();
  await p.goto(`${s.url}/?folder=${encodeURIComponent(workspace)}`);
  await p.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return { server: s, page: p };
}

before(async () => {
  assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first (npm run test:e2e does)`);
  ensureAptPackages(log);
  codeServerBin = ensureCodeServer(log);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-e2e-'));
  workspace = path.join(tmp, 'example');
  cpSync(path.join(root, 'test-fixtures', 'example'), workspace, { recursive: true });
  extensionsDir = path.join(tmp, 'extensions');
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (tmp && !process.env.HEAPSCOPE_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
});

test('the .vsix installs into VS Code and its native modules load from dist/', () => {
  const dirs = { userDataDir: path.join(tmp, 'user-install'), extensionsDir };
  const out = installExtension(codeServerBin, dirs, vsix);
  assert.match(out, /successfully installed/i, out);
  const installed = readdirSync(extensionsDir).find((d) => d.startsWith(`${pkg.publisher}.${pkg.name}-`));
  assert.ok(installed, `extension folder in ${extensionsDir}: ${readdirSync(extensionsDir).join(', ')}`);
  const dist = path.join(extensionsDir, installed, 'dist');
  // Resolve tree-sitter exactly as dist/server.js does (from its own directory) and parse Go with it.
  const probe = `
    const { createRequire } = require('node:module');
    const r = createRequire(${JSON.stringify(path.join(dist, 'server.js'))});
    const Parser = r('tree-sitter');
    const Go = r('tree-sitter-go');
    const p = new Parser(); p.setLanguage(Go);
    process.stdout.write(JSON.stringify({ from: r.resolve('tree-sitter'), root: p.parse('package x\\nfunc f() {}\\n').rootNode.type }));`;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', cwd: os.tmpdir() })) as { from: string; root: string };
  assert.equal(result.root, 'source_file');
  assert.ok(result.from.startsWith(path.join(extensionsDir, installed)), `tree-sitter resolved from ${result.from}`);
});

test('trusted workspace: squiggles on the right lines', async () => {
  const dirs = { userDataDir: path.join(tmp, 'user-trusted'), extensionsDir };
  writeUserSettings(dirs, { ...QUIET_SETTINGS, 'heapscope.goPath': recordingGoPath() });
  // --disable-workspace-trust: the session treats every folder as trusted, so no trust prompt.
  ({ server, page } = await openWorkbench(dirs, ['--disable-workspace-trust']));
  const p = page;
  await step(p, 'squiggles', async () => {
    await openFile(p, 'demo.go');
    // Findings of the example (see `npm run demo`): NewPoint's `p` (line 16), fmt.Sprintf's args
    // (22), SumAsync's captured variables (45–48) and closure (50), Buffer's make (72), Counter (78, 79).
    const squiggles = await waitForValue(
      () => renderedSquiggles(p),
      (s) => s.some((q) => q.line === 16) && s.some((q) => q.line === 22),
      120_000,
      'heapscope squiggles on lines 16 and 22',
    );
    const at = (line: number): RenderedSquiggle | undefined => squiggles.find((q) => q.line === line);
    assert.equal(at(16)?.severity, 'info');
    assert.match(at(16)?.text ?? '', /p := Point\{X: x, Y: y\}/);
    assert.equal(at(22)?.severity, 'info');
    assert.match(at(22)?.text ?? '', /fmt\.Sprintf/);
    // Lines with no allocation have no squiggle: Point's declaration, Join's `s := ""`.
    assert.equal(at(12), undefined, 'type Point has no squiggle');
    assert.equal(at(36), undefined, 's := "" has no squiggle');
    await shot(p, 'squiggles.png');
  });
  assert.ok(
    recordedGoCalls(goLog()).some((c) => /-m=2/.test(c)),
    `go ran with -gcflags=-m=2: ${recordedGoCalls(goLog()).join(' | ')}`,
  );
});

test('hover on a squiggle shows the explanation', async () => {
  const p = page;
  assert.ok(p, 'workbench is open');
  await step(p, 'hover', async () => {
    await goToLine(p, 16, 2);
    const box = await squiggleBox(p, 16, 'info');
    await p.mouse.move(box.x + Math.min(4, box.width / 2), box.y + box.height / 2);
    const hover = p
      .locator('.monaco-hover-content')
      .filter({ hasText: /moved to the heap/ })
      .first();
    await hover.waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await hover.textContent()) ?? '';
    assert.match(text, /`?p`? is moved to the heap|moved to the heap/);
    // The explanation's flow steps link to the position the address is returned at.
    await p
      .locator('.monaco-hover-content')
      .filter({ hasText: /demo\.go:17/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await hoverSettled(p);
    await shot(p, 'hover.png');
  });
});

/** The title of the copy-loop-variable quick fix in the Ctrl+. menu. */
const COPY_LOOP_VAR = /^Copy loop variable i per iteration/;

/**
 * Moves the keyboard focus in the open action widget (the Ctrl+. menu) to the row whose
 * aria-label matches `wanted`, with ArrowDown/ArrowUp as a user would: clicking a row is
 * intercepted by the context view's pointer block.
 */
async function focusActionRow(p: Page, menu: Locator, wanted: RegExp): Promise<void> {
  const rows = menu.locator('.monaco-list-row');
  const labels = await rows.evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), e.getAttribute('aria-label') ?? ''] as const));
  const target = labels.find(([, label]) => wanted.test(label))?.[0];
  if (target === undefined) throw new Error(`no row ${wanted} in the menu: ${JSON.stringify(labels)}`);
  const focused = menu.locator('.monaco-list-row.focused');
  if ((await focused.count()) === 0) await p.keyboard.press('ArrowDown');
  for (let moves = 0; moves <= labels.length; moves++) {
    const at = Number(await focused.getAttribute('data-index', { timeout: 5_000 }));
    if (at === target) {
      assert.match((await focused.getAttribute('aria-label')) ?? '', wanted);
      return;
    }
    await p.keyboard.press(at < target ? 'ArrowDown' : 'ArrowUp');
    await waitForValue(
      async () => Number(await focused.getAttribute('data-index', { timeout: 5_000 })),
      (i) => i !== at,
      5_000,
      `focus to leave row ${at}`,
    );
  }
  throw new Error(`the focus did not reach row ${target} (${wanted}) in the menu`);
}

test('the "copy loop variable" quick fix from Ctrl+. and save', async () => {
  const p = page;
  assert.ok(p, 'workbench is open');
  await step(p, 'quickfix', async () => {
    // SumAsync (go 1.21): `for i := 0; …` whose `i` the goroutine captures. Ask where the finding
    // is (the loop's `i`, 48:6), then on the closure (50:6) and the use (53:19).
    const offered: Record<string, string[]> = {};
    const menu = p.locator('.action-widget:visible');
    const none = p.locator('.monaco-editor-overlaymessage').filter({ hasText: /No code actions/ });
    // The finding is on screen before it is asked about (the editor renders only the lines in view).
    await goToLine(p, 48, 6);
    await waitForValue(
      () => renderedSquiggles(p),
      (s) => s.some((q) => q.line === 48),
      60_000,
      'a squiggle on the loop of SumAsync (48)',
    );
    let found = false;
    // A fix is offered once the analysis it comes from is the one shown; asking again while a
    // compile is still being applied is what a user does. Rounds are logged, so a retry is seen.
    const deadline = Date.now() + 30_000;
    for (let round = 1; !found && Date.now() < deadline; round++) {
      if (round > 1) {
        log(`quickfix: round ${round}, Ctrl+. offered ${JSON.stringify(offered)}`);
        await p.waitForTimeout(1_000);
      }
      for (const [line, col] of [
        [48, 6],
        [50, 6],
        [53, 19],
      ] as const) {
        await dismissWidgets(p);
        await goToLine(p, line, col);
        await p.keyboard.press('Control+.');
        await menu.or(none).first().waitFor({ state: 'visible', timeout: 20_000 });
        if (await none.isVisible()) {
          offered[`${line}:${col}`] = [];
          continue;
        }
        await menu.locator('.monaco-list-row').first().waitFor({ timeout: 10_000 });
        offered[`${line}:${col}`] = await menu.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        if (offered[`${line}:${col}`]!.some((label) => COPY_LOOP_VAR.test(label))) {
          found = true;
          break;
        }
      }
    }
    if (!found) throw new Error(`no "Copy loop variable" quick fix in SumAsync (issue 5); Ctrl+. offered: ${JSON.stringify(offered)}`);
    await focusActionRow(p, menu, COPY_LOOP_VAR);
    await shot(p, 'quickfix.png');
    await p.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    // The editor: the copy is the first statement of the loop body.
    await p
      .locator('.editor-instance .view-lines .view-line')
      .filter({ hasText: /^\s*i\s:=\si\s*$/ })
      .first()
      .waitFor({ timeout: 20_000 });
    const lines = await renderedLines(p);
    assert.match(lines.get(48) ?? '', /^\s*for i := 0; i < len\(xs\); i\+\+ \{\s*$/, 'line 48 in the editor');
    assert.equal((lines.get(49) ?? '').trim(), 'i := i', 'line 49 in the editor');
    assert.equal((lines.get(50) ?? '').trim(), 'wg.Add(1)', 'line 50 in the editor');
    await p.keyboard.press('Control+S');
    const saved = await waitForValue(
      async () => readFileSync(path.join(workspace, 'demo.go'), 'utf8'),
      (t) => /\n\s*i := i\n/.test(t),
      20_000,
      'demo.go saved with `i := i`',
    );
    assert.match(saved, /\n\tfor i := 0; i < len\(xs\); i\+\+ \{\n\t\ti := i\n\t\twg\.Add\(1\)\n/);
    // The per-iteration copy is captured by value: after the save's re-analysis the loop's `i`
    // no longer moves to the heap and the goroutine no longer shares it (no warning on the use).
    await waitForValue(
      () => renderedSquiggles(p),
      (s) => s.some((q) => q.line === 47) && s.some((q) => q.line === 51) && !s.some((q) => q.line === 48 || q.line === 49) && !s.some((q) => q.line === 54 && q.severity === 'warning'),
      120_000,
      'no squiggle on the loop (48, 49) nor warning on the use (54) after the fix; total (47) and the closure (51) still',
    );
    await shot(p, 'after-fix.png');
  });
});

test('loading an allocation profile changes severities', async () => {
  const p = page;
  assert.ok(p, 'workbench is open');
  const load = pkg.contributes.commands.find((c) => /Load Allocation Profile/.test(c.title));
  assert.ok(load, 'package.json contributes no "Load Allocation Profile…" command (issue 4 not landed)');
  await step(p, 'profile', async () => {
    // A real allocation profile of the workspace copy (its paths are this copy's), every allocation
    // recorded: the example's benchmarks make Squares' append (line 29) most of alloc_space, while
    // NewPoint is inlined into its benchmark and allocates nothing there.
    const profileFile = path.join(tmp, 'mem.pprof');
    await promisify(execFile)('go', ['test', '-run', '^$', '-bench', '.', '-benchtime', '2000x', '-memprofilerate', '1', '-memprofile', profileFile, '-o', path.join(tmp, 'heapdemo.test')], {
      cwd: workspace,
    });
    // Line 16 is out of view (the previous step was at 48): Go to Line centres it, which shows 29 too.
    await goToLine(p, 16, 2);
    const before = await renderedSquiggles(p);
    const severityAt = (s: RenderedSquiggle[], line: number): string[] => [...new Set(s.filter((q) => q.line === line).map((q) => q.severity))].sort();
    assert.deepEqual(severityAt(before, 29), ['hint', 'info'], 'append in Squares: escape (information) and pre-allocation (hint) before the profile');
    assert.deepEqual(severityAt(before, 16), ['info'], 'NewPoint is information before the profile');
    await runCommand(p, `${load.category ? `${load.category}: ` : ''}${load.title}`);
    // showOpenDialog in VS Code for the web is the simple file dialog: a quick input taking a path,
    // starting at the workspace folder (the client's defaultUri).
    const dialog = p.locator('.quick-input-widget:visible').filter({ hasText: /allocation profile/ });
    const input = dialog.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await waitForValue(
      () => input.inputValue(),
      (v) => v.startsWith(workspace),
      10_000,
      'the dialog to start in the workspace folder',
    );
    await input.fill(profileFile);
    // Enter accepts only once the dialog lists the typed path's folder (before, Enter just moves
    // the dialog there), so wait for the file's row as a user would.
    await dialog
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: /^\s*mem\.pprof\s*$/ })
      .waitFor({ timeout: 10_000 });
    await p.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    // Share ≥ 5% of the profile → warning; allocating nothing in it → hint.
    const after = await waitForValue(
      () => renderedSquiggles(p),
      (s) => severityAt(s, 29).join() === 'warning' && severityAt(s, 16).join() === 'hint',
      60_000,
      'line 29 (append in Squares) to become a warning and line 16 (NewPoint) a hint after loading the profile',
    );
    assert.match(after.find((q) => q.line === 29)?.text ?? '', /out = append\(out, x\*x\)/);
    // The hover tells the cost: bytes, objects and the share of the profile.
    const box = await squiggleBox(p, 29, 'warning');
    const hover = p
      .locator('.monaco-hover-content')
      .filter({ hasText: /% of alloc_space/ })
      .first();
    // Monaco shows a hover on mouse movement: a pointer already resting there (or a hover widget
    // left from before the profile) shows nothing new. Move away and back, up to three times.
    for (let attempt = 1; ; attempt++) {
      await p.mouse.move(0, 0);
      await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      try {
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
    const text = (await hover.textContent()) ?? '';
    const share = /([\d.]+)% of alloc_space/.exec(text);
    assert.ok(share, `hover has the share: ${text}`);
    assert.ok(Number(share[1]) >= 5 && Number(share[1]) <= 100, `a warning's share is at least 5%: ${text}`);
    assert.match(text, /append/, `hover explains the append: ${text}`);
    // For the screenshot: the cost line scrolled into the hover's view, the hover's fade-in over.
    await hover
      .getByText(/% of alloc_space/)
      .first()
      .scrollIntoViewIfNeeded();
    await hoverSettled(p);
    await shot(p, 'profile.png');
  });
});

test('untrusted workspace: status bar says why, and go never runs', async () => {
  await browser?.contexts()[0]?.close();
  await server?.stop();
  server = undefined;
  rmSync(goLog(), { force: true });
  const dirs = { userDataDir: path.join(tmp, 'user-untrusted'), extensionsDir };
  // Trust is on (the default) and never asked: a new folder opens in Restricted Mode.
  writeUserSettings(dirs, { ...QUIET_SETTINGS, 'heapscope.goPath': recordingGoPath(), 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' });
  const opened = await openWorkbench(dirs, []);
  server = opened.server;
  const p = opened.page;
  await step(p, 'untrusted', async () => {
    await openFile(p, 'demo.go');
    const item = heapscopeStatusItem(p);
    await item.locator('.codicon-shield').waitFor({ timeout: 60_000 });
    await item.hover();
    await p
      .locator('.monaco-hover-content, .statusbar-hover, .workbench-hover')
      .filter({ hasText: /not trusted/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await shot(p, 'untrusted.png');
    // A round trip through the server after it saw the file: its answer says why there is no output.
    await runCommand(p, 'Heapscope: Show Compiler Output');
    await p
      .locator('.editor-instance .view-lines')
      .filter({ hasText: /No.compiler.output/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await openFile(p, 'demo.go');
    assert.deepEqual(await renderedSquiggles(p), [], 'no findings in Restricted Mode');
  });
  assert.deepEqual(recordedGoCalls(goLog()), [], 'go must not run in an untrusted workspace');
});
