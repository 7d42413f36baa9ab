// Generates the parts of the extension manifest and the user docs that are derived from other
// sources, so they can never drift:
//   - the `heapscope.kinds` setting's schema and description, from the kinds table (the registry,
//     server/src/engine/kinds.ts);
//   - docs/KINDS.md, from the kinds table, and the fixes table in docs/FIXES.md (between its
//     `heapscope:fixes-table` markers; the rest of that file is written by hand), from the fixes table;
//   - docs/SETTINGS.md and docs/COMMANDS.md, from package.json's `contributes`.
// `npm run docs` writes them; `npm run docs:check` (`--check`) only reports (exit 1) when something
// is out of date. test/unit/manifest.test.ts and kinds.test.ts run the same functions.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { allFixes, allKinds, kindInfo, type FixInfo, type KindInfo } from '../server/src/engine/kinds';

/** The parts of package.json these functions read. */
export interface Manifest {
  contributes: {
    configuration: { title?: string; properties: Record<string, SettingSchema> };
    commands: CommandContribution[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
  };
}

/** One contributed setting's JSON schema, as VS Code reads it. */
export interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  scope?: string;
  markdownDescription?: string;
  description?: string;
  enum?: unknown[];
  markdownEnumDescriptions?: string[];
  items?: { type?: string };
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  [key: string]: unknown;
}

/** One contributed command. */
export interface CommandContribution {
  command: string;
  title: string;
  category?: string;
  enablement?: string;
}

const SEVERITIES = ['error', 'warning', 'information', 'hint'];

/** The schema of one `heapscope.kinds` entry (a kind id or a family). */
function kindEntrySchema(markdownDescription: string): Record<string, unknown> {
  return {
    type: 'object',
    markdownDescription,
    properties: {
      enabled: { type: 'boolean', description: 'Show findings of this kind.' },
      severity: { type: 'string', enum: SEVERITIES, description: 'Severity of the diagnostics.' },
    },
    additionalProperties: false,
  };
}

function families(kinds: readonly KindInfo[]): string[] {
  return [...new Set(kinds.map((k) => k.family))];
}

/** Returns the markdown table of kinds with their defaults, as shown in the setting's description. */
export function kindsTableMarkdown(kinds: readonly KindInfo[] = allKinds()): string {
  const rows = kinds.map((k) => `| \`${k.id}\` | ${k.title} | ${k.shownByDefault ? 'yes' : 'no'} | ${k.defaultSeverity} |`);
  return ['| Kind | What it reports | Shown by default | Default severity |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Returns the `heapscope.kinds` setting's markdownDescription, generated from the kinds table. */
export function kindsSettingMarkdown(kinds: readonly KindInfo[] = allKinds()): string {
  return [
    'Which kinds of findings are shown as diagnostics, and with which severity. Keys are kind ids (`escape.moved`) or families (`escape`, applying to every kind of the family; a kind’s own entry wins); values are `{ "enabled": boolean, "severity": "error" | "warning" | "information" | "hint" }`. Kinds not listed keep their defaults. The command **Heapscope: Toggle Kinds** edits this setting.',
    'Example: `{ "escape": { "severity": "warning" }, "noescape": { "enabled": true } }`.',
    kindsTableMarkdown(kinds),
  ].join('\n\n');
}

/** Returns the JSON schema of `heapscope.kinds` (without scope and default), generated from the kinds table. */
export function kindsSettingSchema(kinds: readonly KindInfo[] = allKinds()): SettingSchema {
  const properties: Record<string, unknown> = {};
  for (const f of families(kinds)) {
    properties[f] = kindEntrySchema(`Every kind of the \`${f}\` family (a kind’s own entry wins).`);
  }
  for (const k of kinds) {
    properties[k.id] = kindEntrySchema(`**${k.title}.** ${k.description} Default: ${k.shownByDefault ? 'shown' : 'hidden'}, ${k.defaultSeverity}.`);
  }
  return {
    type: 'object',
    markdownDescription: kindsSettingMarkdown(kinds),
    properties,
    additionalProperties: kindEntrySchema('A kind id or family.'),
  };
}

/** Returns the manifest with `heapscope.kinds` regenerated from the kinds table (keeps its scope and default). */
export function withGeneratedKinds<T extends Manifest>(pkg: T, kinds: readonly KindInfo[] = allKinds()): T {
  const props = pkg.contributes.configuration.properties;
  const old = props['heapscope.kinds'] ?? {};
  const generated = kindsSettingSchema(kinds);
  const next: SettingSchema = {
    type: generated.type,
    scope: old.scope ?? 'resource',
    default: old.default ?? {},
    markdownDescription: generated.markdownDescription,
    properties: generated.properties,
    additionalProperties: generated.additionalProperties,
  };
  return {
    ...pkg,
    contributes: {
      ...pkg.contributes,
      configuration: { ...pkg.contributes.configuration, properties: { ...props, 'heapscope.kinds': next } },
    },
  };
}

/** VS Code's `#heapscope.x#` setting links become code spans outside VS Code. */
function plainMarkdown(md: string): string {
  return md.replace(/`?#(heapscope\.[A-Za-z.]+)#`?/g, '`$1`');
}

function cell(md: string): string {
  return plainMarkdown(md)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function typeText(s: SettingSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ');
  const t = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? '');
  return t === 'array' && s.items?.type ? `${s.items.type}[]` : t;
}

const GENERATED = '<!-- Generated from package.json by scripts/gen-docs.ts; edit package.json and run `node --import tsx scripts/gen-docs.ts`. -->';

/** Returns docs/SETTINGS.md for the manifest: a table of every setting, then the long descriptions. */
export function settingsMarkdown(pkg: Manifest): string {
  const props = Object.entries(pkg.contributes.configuration.properties);
  const lines = [
    '# Settings',
    '',
    GENERATED,
    '',
    'All settings live under `heapscope.`. Settings with scope `resource` can differ per workspace folder in a multi-root workspace. In an untrusted workspace (Restricted Mode) Heapscope never runs `go`, and VS Code ignores the workspace’s values of `heapscope.goPath`, `heapscope.env`, `heapscope.gcflags` and `heapscope.buildTags`.',
    '',
    '| Setting | Type | Default | Scope | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  const details: string[] = [];
  for (const [id, s] of props) {
    const md = s.markdownDescription ?? s.description ?? '';
    const [first, ...rest] = md.split('\n\n');
    lines.push(`| \`${id}\` | ${typeText(s)} | \`${JSON.stringify(s.default ?? null)}\` | ${s.scope ?? 'window'} | ${cell(first ?? '')} |`);
    if (s.markdownEnumDescriptions && s.enum) {
      details.push(`## \`${id}\``, '', ...s.enum.map((v, i) => `- \`${JSON.stringify(v)}\`: ${plainMarkdown(s.markdownEnumDescriptions?.[i] ?? '')}`), '');
    }
    if (rest.length > 0) details.push(`## \`${id}\``, '', plainMarkdown(rest.join('\n\n')), '');
  }
  return [...lines, '', ...details].join('\n').replace(/\n+$/, '\n');
}

/** Returns docs/COMMANDS.md for the manifest: a table of every command. */
export function commandsMarkdown(pkg: Manifest): string {
  const when = new Map((pkg.contributes.menus?.commandPalette ?? []).map((m) => [m.command, m.when]));
  const lines = [
    '# Commands',
    '',
    GENERATED,
    '',
    'Run them from the Command Palette (Ctrl+Shift+P / ⇧⌘P), where they appear under the category “Heapscope”.',
    '',
    '| Command | Id | Available |',
    '| --- | --- | --- |',
  ];
  for (const c of pkg.contributes.commands) {
    const available = [when.get(c.command), c.enablement]
      .filter((w): w is string => !!w)
      .map((w) => `\`${w}\``)
      .join(', ');
    lines.push(`| ${c.category ? `${c.category}: ` : ''}${c.title} | \`${c.command}\` | ${available || 'always'} |`);
  }
  return lines.join('\n') + '\n';
}

/** The sentence under a kind's heading in docs/KINDS.md: its defaults, how a profile weighs it, its fixes. */
function kindFacts(k: KindInfo): string {
  const facts = [`Default: ${k.shownByDefault ? 'shown' : 'hidden'}, ${k.defaultSeverity}.`];
  if (k.weighedByProfile) facts.push('With a profile, its severity follows the share of the profile at its line.');
  if (k.correctness) facts.push('A correctness finding: it keeps its severity whatever a profile says.');
  if (k.heap) facts.push('Counts as a heap allocation in the status bar.');
  if (k.fixes.length > 0) facts.push(`Fix: ${k.fixes.map((id) => `[\`${id}\`](FIXES.md#${id})`).join(', ')}.`);
  return facts.join(' ');
}

/** The text of docs/KINDS.md. */
export function kindsDocMarkdown(kinds: readonly KindInfo[] = allKinds()): string {
  const out: string[] = [
    '# Finding kinds',
    '',
    '<!-- Generated from server/src/engine/kinds.ts by scripts/gen-docs.ts; do not edit by hand. -->',
    '',
    'Every finding has a dotted `kind`. Diagnostics link here (`code` and `codeDescription`), the CLI',
    'prints the kind in brackets, and settings (`heapscope.kinds`) and the JSON report use the same ids.',
    '',
    '| kind | title | shown by default | default severity |',
    '| --- | --- | --- | --- |',
  ];
  for (const k of kinds) out.push(`| [\`${k.id}\`](#${k.docsAnchor}) | ${k.title} | ${k.shownByDefault ? 'yes' : 'no'} | ${k.defaultSeverity} |`);
  out.push('');
  for (const k of kinds) {
    out.push(`<a id="${k.docsAnchor}"></a>`, `## \`${k.id}\` — ${k.title}`, '', k.description, '', kindFacts(k), '');
  }
  return out.join('\n');
}

/** The fixes table of docs/FIXES.md, from the fixes table of the registry. */
export function fixesTableMarkdown(fixes: readonly FixInfo[] = allFixes()): string {
  const rows = fixes.map((f) => {
    const kind = kindInfo(f.kind);
    const severity = f.correctness ? `${f.defaultSeverity} (correctness)` : kind.weighedByProfile ? `${f.defaultSeverity} (profile promotes)` : f.defaultSeverity;
    return `| [\`${f.id}\`](#${f.docsAnchor}) | ${f.title} | [\`${f.kind}\`](KINDS.md#${kind.docsAnchor}) | ${severity} | ${cell(f.description)} |`;
  });
  return ['| id | quick fix | finding kind | default severity | what it does |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const FIXES_TABLE_REGION = /(<!-- heapscope:fixes-table -->\n)[\s\S]*?(<!-- \/heapscope:fixes-table -->)/;

/** docs/FIXES.md with its fixes table regenerated; the hand-written rest is kept. Throws when the markers are missing. */
export function fixesDocMarkdown(current: string, fixes: readonly FixInfo[] = allFixes()): string {
  if (!FIXES_TABLE_REGION.test(current)) throw new Error('docs/FIXES.md has no <!-- heapscope:fixes-table --> … <!-- /heapscope:fixes-table --> region');
  return current.replace(FIXES_TABLE_REGION, (_m, open: string, close: string) => `${open}${fixesTableMarkdown(fixes)}\n${close}`);
}

const ROOT = path.resolve(__dirname, '..');

/** Returns the files this script owns with their up-to-date contents (package.json only when it differs). */
export function generatedFiles(root = ROOT): Map<string, string> {
  const pkgPath = path.join(root, 'package.json');
  const pkgText = readFileSync(pkgPath, 'utf8');
  const pkg = JSON.parse(pkgText) as Manifest;
  const next = withGeneratedKinds(pkg);
  const out = new Map<string, string>();
  // package.json is written as 2-space JSON, which is how it is kept; touch it only if the kinds changed.
  if (JSON.stringify(next.contributes) !== JSON.stringify(pkg.contributes)) out.set(pkgPath, JSON.stringify(next, null, 2) + '\n');
  out.set(path.join(root, 'docs', 'SETTINGS.md'), settingsMarkdown(next));
  out.set(path.join(root, 'docs', 'COMMANDS.md'), commandsMarkdown(next));
  out.set(path.join(root, 'docs', 'KINDS.md'), kindsDocMarkdown());
  const fixesPath = path.join(root, 'docs', 'FIXES.md');
  out.set(fixesPath, fixesDocMarkdown(readFileSync(fixesPath, 'utf8')));
  return out;
}

/** Writes (or with `check`, compares) the generated files; returns the paths that were out of date. */
export function syncGeneratedFiles(check: boolean, root = ROOT): string[] {
  const stale: string[] = [];
  for (const [file, text] of generatedFiles(root)) {
    let old: string | null = null;
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      // Missing: out of date.
    }
    if (old === text) continue;
    stale.push(path.relative(root, file));
    if (!check) writeFileSync(file, text);
  }
  return stale;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const stale = syncGeneratedFiles(check);
  for (const f of stale) process.stdout.write(`${check ? 'out of date' : 'wrote'}: ${f}\n`);
  if (check && stale.length > 0) {
    process.stderr.write('generated files differ from what the registry and package.json give: run `npm run docs`\n');
    process.exitCode = 1;
  }
}
