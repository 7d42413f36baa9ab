// Turns the user's `heapscope.*` VS Code settings into the settings object the language server
// reads (HeapscopeSettings in server/src/protocol). VS Code keys read naturally in the settings UI
// (`typingDelay`); the wire keeps its own names (`typingDelayMs`). Pure: the caller passes a
// reader over one folder's configuration.
import { normalizeSettings, type HeapscopeSettings } from '../../server/src/protocol';

/** Reads one `heapscope.<key>` value of a folder's configuration (undefined when unset). */
export type SettingReader = (key: string) => unknown;

/** The VS Code setting keys (under `heapscope.`) that the server receives, with their wire names. */
export const SERVER_SETTING_KEYS: Readonly<Record<string, keyof HeapscopeSettings>> = {
  kinds: 'kinds',
  analyzeOn: 'analyzeOn',
  typingDelay: 'typingDelayMs',
  gcflags: 'gcflags',
  buildTags: 'buildTags',
  goPath: 'goPath',
  env: 'env',
  profiles: 'profiles',
  profileSampleType: 'profileSampleType',
  severityThresholds: 'severityThresholds',
  profileHints: 'profileHints',
  maxProfileSize: 'maxProfileSizeMb',
  'fixes.allowUpperBound': 'allowUpperBound',
};

/** Replaces `${workspaceFolder}` and a leading `~` in a path setting, as VS Code users expect. */
export function expandPath(value: string, folderPath: string | undefined, home: string | undefined): string {
  let out = value;
  if (folderPath !== undefined) out = out.split('${workspaceFolder}').join(folderPath);
  if (home !== undefined && (out === '~' || out.startsWith('~/'))) out = home + out.slice(1);
  return out;
}

/**
 * Returns the server settings for one folder: the user's values, validated like the server does,
 * with `trusted` from the window's workspace trust.
 */
export function serverSettings(read: SettingReader, opts: { trusted: boolean; folderPath?: string; home?: string }): HeapscopeSettings {
  const raw: Record<string, unknown> = {};
  for (const [key, wire] of Object.entries(SERVER_SETTING_KEYS)) {
    const v = read(key);
    if (v !== undefined) raw[wire] = v;
  }
  const settings = normalizeSettings(raw);
  settings.goPath = expandPath(settings.goPath, opts.folderPath, opts.home);
  // Build tags may be written as one comma-separated string in the array, as `go build -tags` takes them.
  settings.buildTags = settings.buildTags
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  settings.trusted = opts.trusted;
  return settings;
}
