// Generates docs/KINDS.md from the kinds table (server/src/engine/kinds.ts), so the docs can never
// drift from what the tool does. `node --import tsx scripts/kinds-doc.ts` rewrites the file;
// test/unit/kinds.test.ts fails when it is out of date.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { allKinds, kindDocsAnchor } from '../server/src/engine/kinds';

/** The text of docs/KINDS.md. */
export function kindsMarkdown(): string {
  const out: string[] = [
    '# Finding kinds',
    '',
    '<!-- Generated from server/src/engine/kinds.ts by scripts/kinds-doc.ts; do not edit by hand. -->',
    '',
    'Every finding has a dotted `kind`. Diagnostics link here (`code` and `codeDescription`), the CLI',
    'prints the kind in brackets, and settings (`heapscope.kinds`) and the JSON report use the same ids.',
    '',
    '| kind | title | shown by default | default severity |',
    '| --- | --- | --- | --- |',
  ];
  for (const k of allKinds()) out.push(`| [\`${k.id}\`](#${kindDocsAnchor(k.id)}) | ${k.title} | ${k.shownByDefault ? 'yes' : 'no'} | ${k.defaultSeverity} |`);
  out.push('');
  for (const k of allKinds()) {
    out.push(`<a id="${kindDocsAnchor(k.id)}"></a>`, `## \`${k.id}\` — ${k.title}`, '', k.description, '');
  }
  return out.join('\n');
}

if (require.main === module) {
  const file = path.join(__dirname, '..', 'docs', 'KINDS.md');
  writeFileSync(file, kindsMarkdown());
  console.log(`wrote ${file}`);
}
