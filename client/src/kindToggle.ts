// The "Toggle Kinds" quick pick as plain data: which kinds are ticked now, and the
// `heapscope.kinds` value that makes exactly the ticked ones shown. Severities and family-level
// entries the user wrote stay as they are; only per-kind `enabled` flags change, and a new flag is
// written only when the kind would not get that state anyway, so settings.json stays small.
import { isKindShown, type KindInfo, type KindSetting } from '../../server/src/protocol';

/** One row of the quick pick. */
export interface KindPickItem {
  /** The kind id, e.g. `escape.moved`. */
  id: string;
  label: string;
  description: string;
  detail: string;
  /** Whether the kind is shown now. */
  picked: boolean;
}

/** Returns the quick pick rows for the kinds, ticked when shown under `settings`. */
export function kindPickItems(kinds: readonly KindInfo[], settings: Readonly<Record<string, KindSetting>>): KindPickItem[] {
  return kinds.map((k) => ({
    id: k.id,
    label: k.title,
    description: `${k.id}${k.shownByDefault ? '' : ' · hidden by default'}`,
    detail: k.description,
    picked: isKindShown(k.id, { kinds: settings }),
  }));
}

/** Returns the new `heapscope.kinds` value under which exactly `selected` of `kinds` are shown. */
export function applyKindSelection(kinds: readonly KindInfo[], settings: Readonly<Record<string, KindSetting>>, selected: ReadonlySet<string>): Record<string, KindSetting> {
  const next: Record<string, KindSetting> = {};
  for (const [key, value] of Object.entries(settings)) next[key] = { ...value };
  for (const k of kinds) {
    const own = next[k.id] ?? {};
    const { enabled: _dropped, ...rest } = own;
    void _dropped;
    // What the kind shows as with its own flag removed: family setting, then the table default.
    const without = { ...next, [k.id]: rest };
    const inherited = isKindShown(k.id, { kinds: without });
    const want = selected.has(k.id);
    // A flag the user already had is kept explicit: VS Code merges object settings across user,
    // workspace and folder, so dropping it here could let a lower level's flag show through.
    const hadFlag = settings[k.id]?.enabled !== undefined;
    const entry: KindSetting = want === inherited && !hadFlag ? rest : { ...rest, enabled: want };
    if (Object.keys(entry).length === 0) delete next[k.id];
    else next[k.id] = entry;
  }
  return next;
}
