// Adding and removing standard-library imports the way gofmt lays them out: gofmt sorts each
// run of import specs (runs are separated by blank lines) by path, one spec per line in a
// parenthesised group. Anything laid out differently gets no edit (null) and so no fix.
import type { GoSourceFile } from '../engine/sourceFile';
import type { FindingEdit } from '../engine/types';
import { nextLineStart, offsetEdit, restOfLineIsBlank, type GoNode } from './goTree';

/** One import spec: its node, path, explicit name and where its line is. */
export interface ImportSpec {
  node: GoNode;
  path: string;
  name: string | null;
  /** The parenthesised group it is in, or null for `import "x"`. */
  group: GoNode | null;
  decl: GoNode;
}

/** Every import spec of the file, in order. */
export function importSpecs(file: GoSourceFile): ImportSpec[] {
  const out: ImportSpec[] = [];
  for (const decl of file.tree.rootNode.namedChildren.filter((c) => c.type === 'import_declaration')) {
    const group = decl.namedChildren.find((c) => c.type === 'import_spec_list') ?? null;
    const specs = group ? group.namedChildren.filter((c) => c.type === 'import_spec') : decl.namedChildren.filter((c) => c.type === 'import_spec');
    for (const node of specs) {
      const lit = node.childForFieldName('path');
      out.push({ node, path: lit ? lit.text.slice(1, -1) : '', name: node.childForFieldName('name')?.text ?? null, group, decl });
    }
  }
  return out;
}

/** Whether a spec sits alone on its line (only tabs before it, nothing but a comment after it). */
function aloneOnLine(file: GoSourceFile, spec: GoNode): boolean {
  const lineStart = file.lines.lineStart(file.lines.positionAt(spec.startIndex).line);
  return /^\t*$/.test(file.text.slice(lineStart, spec.startIndex)) && restOfLineIsBlank(file, spec.endIndex);
}

/** The specs of the same run (no blank line between them) as `spec` inside its group. */
function runOf(file: GoSourceFile, specs: ImportSpec[], spec: ImportSpec): ImportSpec[] {
  const inGroup = specs.filter((s) => s.group && spec.group && s.group.id === spec.group.id);
  // Split the group into runs of specs on consecutive lines.
  const runs: ImportSpec[][] = [];
  let previousRow = NaN;
  for (const s of inGroup) {
    const row = file.lines.positionAt(s.node.startIndex).line;
    const current = runs.at(-1);
    if (current && row === previousRow + 1) current.push(s);
    else runs.push([s]);
    previousRow = row;
  }
  return runs.find((run) => run.some((s) => s.node.id === spec.node.id)) ?? [];
}

/**
 * Edits that add import `add` (when given) and remove the spec `remove` (when given), keeping
 * gofmt's layout; null when the file's imports are laid out in a way these rules do not cover.
 */
export function importEdits(path: string, file: GoSourceFile, add: string | null, remove: ImportSpec | null): FindingEdit[] | null {
  const specs = importSpecs(file);
  const quoted = (p: string) => `"${p}"`;
  if (remove && !remove.group) {
    // `import "fmt"` on its own: replace the path, or turn it into a group that keeps both.
    if (add) return [offsetEdit(file, path, remove.node.startIndex, remove.node.endIndex, quoted(add))];
    if (!restOfLineIsBlank(file, remove.decl.endIndex)) return null;
    const start = file.lines.lineStart(file.lines.positionAt(remove.decl.startIndex).line);
    let end = nextLineStart(file, remove.decl.endIndex);
    // Do not leave two blank lines behind: drop one of them.
    if (/^\r?\n/.test(file.text.slice(end)) && /\n\r?\n$/.test(file.text.slice(0, start))) end = nextLineStart(file, end);
    return [offsetEdit(file, path, start, end, '')];
  }
  const edits: FindingEdit[] = [];
  const anchor: ImportSpec | undefined = remove ?? specs.find((s) => s.group && !s.path.includes('.') && s.path !== '');
  if (add) {
    if (!anchor) {
      // No group with standard-library imports: a single `import "x"` becomes a group.
      const single = specs.find((s) => !s.group && s.name === null && !s.path.includes('.'));
      if (!single || specs.filter((s) => s.decl.id === single.decl.id).length !== 1) return null;
      const paths = [single.path, add].sort();
      return [offsetEdit(file, path, single.decl.startIndex, single.decl.endIndex, `import (\n${paths.map((p) => `\t${quoted(p)}\n`).join('')})`)];
    }
    const run = runOf(file, specs, anchor).filter((s) => !remove || s.node.id !== remove.node.id);
    if (remove && run.length === 0) {
      // The removed spec was alone in its run: the new one takes its place.
      return [offsetEdit(file, path, remove.node.startIndex, remove.node.endIndex, quoted(add))];
    }
    if (remove) {
      const i = runOf(file, specs, anchor).findIndex((s) => s.node.id === remove.node.id);
      const full = runOf(file, specs, anchor);
      const prev = full[i - 1];
      const next = full[i + 1];
      if ((!prev || prev.path < add) && (!next || next.path > add)) {
        // The new path sorts where the old one was: rename in place.
        return [offsetEdit(file, path, remove.node.startIndex, remove.node.endIndex, quoted(add))];
      }
    }
    // The run still holds the anchor here (a removed anchor alone in its run returned above).
    const last = run.at(-1);
    if (!last || !run.every((s) => aloneOnLine(file, s.node))) return null;
    const before = run.find((s) => s.path > add);
    const indent = '\t';
    const at = before ? file.lines.lineStart(file.lines.positionAt(before.node.startIndex).line) : nextLineStart(file, last.node.endIndex);
    edits.push(offsetEdit(file, path, at, at, `${indent}${quoted(add)}\n`));
  }
  if (remove) {
    if (!aloneOnLine(file, remove.node)) return null;
    const start = file.lines.lineStart(file.lines.positionAt(remove.node.startIndex).line);
    edits.push(offsetEdit(file, path, start, nextLineStart(file, remove.node.endIndex), ''));
  }
  edits.sort((a, b) => a.line - b.line || a.column - b.column);
  return edits;
}
