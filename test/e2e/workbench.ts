// Reading and driving VS Code's workbench (Monaco) in a Playwright page. Every wait is on a DOM
// condition with a timeout; the selectors are VS Code 1.99's.
import type { Locator, Page } from 'playwright-core';

// Code for page.evaluate is passed as source text: tsx compiles this file with esbuild, which wraps
// named functions in a `__name` helper that does not exist in the page.
/** Browser-side helpers: Monaco gives each rendered line, its gutter and its overlays the same `top`. */
const PAGE_HELPERS = `
  const editor = document.querySelector('.editor-instance .monaco-editor');
  const topOf = (el) => el.style.top;
  const numberByTop = new Map();
  const textByTop = new Map();
  if (editor) {
    for (const g of editor.querySelectorAll('.margin-view-overlays > div')) {
      const n = Number(g.querySelector('.line-numbers')?.textContent ?? 'NaN');
      if (Number.isFinite(n)) numberByTop.set(topOf(g), n);
    }
    for (const l of editor.querySelectorAll('.view-lines > .view-line')) textByTop.set(topOf(l), (l.textContent ?? '').replace(/\u00a0/g, ' '));
  }
  const squigglesOf = (sev) => editor ? [...editor.querySelectorAll('.view-overlays .squiggly-' + sev)] : [];
`;

/** One squiggle as rendered: its Monaco class, the line number in the gutter and the rendered line's text. */
export interface RenderedSquiggle {
  severity: 'error' | 'warning' | 'info' | 'hint';
  line: number;
  text: string;
}

/** Opens a file of the workspace with Quick Open and waits for its editor tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await focusWorkbench(page);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: 20_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
}

/** Clicks into the workbench so keyboard shortcuts reach VS Code rather than the page. */
async function focusWorkbench(page: Page): Promise<void> {
  const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
  if (await editor.isVisible()) await editor.click({ position: { x: 5, y: 5 } });
  else await page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 2, y: 2 } });
}

/** Moves the cursor to `line:column` (1-based) with Go to Line, which also scrolls it into view. */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  // Click into the editor only when it lacks focus: a click can land on a hover or message widget.
  const focused = (await page.evaluate(`!!document.activeElement?.closest('.editor-instance .monaco-editor')`)) as boolean;
  if (!focused)
    await page
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
  await page
    .locator('.editor-instance .monaco-editor .margin-view-overlays .active-line-number')
    .filter({ hasText: new RegExp(`^${line}$`) })
    .waitFor({ timeout: 10_000 });
}

/** Widgets that take the keyboard while open: quick input, the action (quick-fix) menu, context menus, hovers. */
const OPEN_WIDGETS = '.quick-input-widget:visible, .action-widget:visible, .context-view .monaco-menu-container:visible, .monaco-hover:visible';

/**
 * Closes whatever a previous step left open (Escape, as a user would) so the next step starts
 * from the editor; throws if something stays open.
 */
export async function dismissWidgets(page: Page): Promise<void> {
  const open = page.locator(OPEN_WIDGETS);
  for (let attempt = 0; attempt < 5 && (await open.count()) > 0; attempt++) {
    await page.keyboard.press('Escape');
    await open
      .first()
      .waitFor({ state: 'hidden', timeout: 2_000 })
      .catch(() => undefined);
  }
  const left = await open.count();
  if (left > 0) throw new Error(`${left} widget(s) still open after Escape: ${await open.evaluateAll((els) => els.map((e) => e.className).join(' | '))}`);
}

/** Returns the active editor's rendered lines by gutter line number (text with spaces for nbsp). */
export async function renderedLines(page: Page): Promise<Map<number, string>> {
  const script = `(() => {${PAGE_HELPERS}
    return [...numberByTop].map(([top, n]) => [n, textByTop.get(top) ?? '']);
  })()`;
  return new Map((await page.evaluate(script)) as [number, string][]);
}

/** Returns the squiggles of the active editor's rendered lines, each with its gutter line number and the line's text. */
export async function renderedSquiggles(page: Page): Promise<RenderedSquiggle[]> {
  const script = `(() => {${PAGE_HELPERS}
    const out = [];
    for (const severity of ['error', 'warning', 'info', 'hint']) {
      for (const q of squigglesOf(severity)) {
        const row = q.parentElement;
        if (row) out.push({ severity, line: numberByTop.get(topOf(row)) ?? -1, text: textByTop.get(topOf(row)) ?? '' });
      }
    }
    return out.sort((a, b) => a.line - b.line);
  })()`;
  return (await page.evaluate(script)) as RenderedSquiggle[];
}

/** Polls `read` until `ok` holds for its value; returns the value or throws with the last one seen. */
export async function waitForValue<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A rectangle on the page, in CSS pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Returns where the first squiggle of `severity` on gutter line `line` is drawn. Measured in one
 * evaluation: Monaco rebuilds a line's overlay elements whenever any decoration on it changes
 * (the word highlight that follows the cursor, say), so an element handle can go stale between
 * finding it and measuring it.
 */
export async function squiggleBox(page: Page, line: number, severity: RenderedSquiggle['severity']): Promise<Box> {
  const script = `(() => {${PAGE_HELPERS}
    const q = squigglesOf(${JSON.stringify(severity)}).find((q) => q.parentElement && numberByTop.get(topOf(q.parentElement)) === ${line});
    if (!q) return null;
    const r = q.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
  })()`;
  const box = await waitForValue(
    async () => (await page.evaluate(script)) as Box | null,
    (b) => b !== null,
    10_000,
    `a ${severity} squiggle rendered on line ${line}`,
  );
  return box!;
}

/** Waits until no animation (the hover's fade-in) runs inside an editor hover, so a screenshot shows it opaque. */
export async function hoverSettled(page: Page): Promise<void> {
  await waitForValue(
    async () => (await page.evaluate(`document.getAnimations().filter((a) => a.effect?.target?.closest?.('.monaco-hover')).length`)) as number,
    (n) => n === 0,
    5_000,
    'the hover to finish fading in',
  );
}

/** Runs a command from the Command Palette by its full title ("Heapscope: Restart Server"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Returns the Heapscope status bar item (its accessible name starts with the tooltip). */
export function heapscopeStatusItem(page: Page): Locator {
  return page.locator('.statusbar-item[id$="heapscope.status"]');
}
