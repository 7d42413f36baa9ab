// Workspace folders and their settings: which folder owns a path, how the folder list changes,
// and what a workspace/configuration request asks for. Plain functions over plain data; the
// session picks settings with them and server.ts wires them to the connection.
import { isInside } from '../engine/paths';
import { CONFIG_SECTION, normalizeSettings, type HeapscopeSettings } from '../protocol';

/** One workspace folder: its URI, its absolute path, and its own settings (null: the window's apply). */
export interface FolderSettings {
  uri: string;
  path: string;
  settings: HeapscopeSettings | null;
}

/** A workspace folder as LSP names it. */
export interface FolderRef {
  uri: string;
  name?: string;
}

/** Returns the innermost folder containing `file` (a nested folder wins over its parent), or null. */
export function owningFolder<F extends { path: string }>(folders: readonly F[], file: string): F | null {
  let best: F | null = null;
  for (const f of folders) {
    if (isInside(file, f.path) && (!best || f.path.length > best.path.length)) best = f;
  }
  return best;
}

/** Returns the folder list after a workspace/didChangeWorkspaceFolders event (removed first, then added; no duplicates). */
export function changeFolders<F extends FolderRef>(folders: readonly F[], added: readonly F[], removed: readonly FolderRef[]): F[] {
  const gone = new Set(removed.map((f) => f.uri));
  const out = folders.filter((f) => !gone.has(f.uri));
  for (const f of added) if (!out.some((o) => o.uri === f.uri)) out.push(f);
  return out;
}

/** The items of one workspace/configuration request: the window first, then each folder by its URI. */
export function configurationItems(folders: readonly FolderRef[]): Array<{ section: string; scopeUri?: string }> {
  return [{ section: CONFIG_SECTION }, ...folders.map((f) => ({ section: CONFIG_SECTION, scopeUri: f.uri }))];
}

/**
 * Turns the answer to configurationItems into window and folder settings. A missing window value
 * falls back to `fallback` (the initialization options); a missing folder value means the folder
 * uses the window's settings. Trust is window-wide: every folder gets the window's.
 */
export function settingsFromConfiguration(
  values: readonly unknown[],
  folders: ReadonlyArray<{ uri: string; path: string }>,
  fallback: unknown,
  previous?: Pick<HeapscopeSettings, 'trusted'>,
): { window: HeapscopeSettings; folders: FolderSettings[] } {
  // Trust changes only with an explicit value: an answer without one keeps `previous`'s.
  const window = normalizeSettings(values[0] ?? fallback, previous);
  return {
    window,
    folders: folders.map((f, i) => {
      const raw = values[i + 1];
      return { uri: f.uri, path: f.path, settings: raw === null || raw === undefined ? null : { ...normalizeSettings(raw), trusted: window.trusted } };
    }),
  };
}

/** The folder whose settings name the profiles to load: the first folder with its own `profiles`, else the window (paths relative to `windowRoot`). */
export function profileSource(window: HeapscopeSettings, folders: readonly FolderSettings[], windowRoot: string | null): { settings: HeapscopeSettings; root: string | null } {
  const own = folders.find((f) => f.settings !== null && f.settings.profiles.length > 0);
  if (own) return { settings: own.settings!, root: own.path };
  return { settings: window, root: windowRoot };
}
