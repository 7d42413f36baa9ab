// The shared part of prealloc-slice and prealloc-map: a collection that starts empty and gets
// exactly one element per iteration of a counted loop, and nothing else touches it between its
// declaration and the end of the loop. The fix gives it that capacity up front.
//
// Behaviour is kept exactly:
// - `s := []T{}` / `make([]T, 0)` right before the loop becomes `make([]T, 0, len(xs))`: non-nil
//   and empty either way, and `make` with a capacity never adds elements (never `make([]T, n)`).
// - `var s []T` is nil after zero iterations, so its capacity is set behind a guard right before
//   the loop, `if len(xs) > 0 { s = make([]T, 0, len(xs)) }`: zero iterations leave it nil, and
//   with at least one iteration the first append would have made it non-nil anyway. The guard
//   is also how a count that might be negative (`range n`, `i < n`) is kept from panicking in
//   `make`. Upper-bound counts (conditional appends) are never used for a nil slice: a guard
//   that fires when no append happens would turn nil into empty.
import { kindInfo, type FixId, type KindId } from '../engine/kinds';
import type { Finding } from '../engine/types';
import { loopCount, type LoopCount } from './countedLoop';
import type { FixInput } from './fixTypes';
import { identifiersNamed, lineIndent, mentions, nodeRange, nodeStart, offsetEdit, type GoNode } from './goTree';
import type { GoSourceFile } from '../engine/sourceFile';

/** What is being filled: a slice by append, or a map by index assignment. */
export type Collection = 'slice' | 'map';

/** One accumulation found in a loop body. */
interface Accumulation {
  name: string;
  /** The append or index assignment statement. */
  stmt: GoNode;
  /** The node to report (the append call or the index assignment). */
  site: GoNode;
  loop: GoNode;
  /** The statement sits inside an if inside the loop body. */
  conditional: boolean;
}

/** The declaration shapes the fix understands. */
interface StartsEmpty {
  decl: GoNode;
  /** `var s []T` (nil) or a non-nil empty literal/make. */
  form: 'nil' | 'empty';
  /** The collection type as written (`[]T`, `map[K]V`). */
  type: string;
  /** The expression to replace for the in-place rewrite (`[]T{}` / `make(...)`). */
  value: GoNode | null;
}

/** Matches `s = append(s, x)` (one element, no `...`) and returns s. */
function appendTarget(stmt: GoNode): { name: string; site: GoNode } | null {
  if (stmt.type !== 'assignment_statement' || stmt.childForFieldName('operator')?.type !== '=') return null;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  const [target] = left;
  const [call] = right;
  if (left.length !== 1 || right.length !== 1 || target?.type !== 'identifier') return null;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== 'append') return null;
  const argList = call.childForFieldName('arguments');
  const args = argList?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  const [slice, element] = args;
  if (!argList || args.length !== 2 || argList.children.some((c) => c.type === '...')) return null;
  if (slice?.type !== 'identifier' || slice.text !== target.text) return null;
  if (element?.type === 'variadic_argument') return null;
  return { name: target.text, site: call };
}

/** Matches `m[k] = v` and returns m. */
function mapInsertTarget(stmt: GoNode): { name: string; site: GoNode } | null {
  if (stmt.type !== 'assignment_statement' || stmt.childForFieldName('operator')?.type !== '=') return null;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  const [target] = left;
  if (left.length !== 1 || right.length !== 1 || target?.type !== 'index_expression') return null;
  const operand = target.childForFieldName('operand');
  if (operand?.type !== 'identifier') return null;
  return { name: operand.text, site: stmt };
}

/** The loop whose body holds the statement directly (or, with upper bounds allowed, inside ifs), with whether it is conditional. */
function owningLoop(stmt: GoNode, allowUpperBound: boolean): { loop: GoNode; conditional: boolean } | null {
  let conditional = false;
  for (let n: GoNode | null = stmt.parent; n; n = n.parent) {
    if (n.type === 'statement_list') continue;
    if (n.type === 'block') {
      const p = n.parent;
      if (p?.type === 'for_statement') return { loop: p, conditional };
      if (p?.type === 'if_statement' && allowUpperBound) {
        conditional = true;
        n = p;
        continue;
      }
      return null;
    }
    if (n.type === 'if_statement' && allowUpperBound) {
      conditional = true;
      continue;
    }
    return null;
  }
  return null;
}

/** Whether the body can end an iteration early or leave the loop (return, goto, break/continue of this loop). */
function hasEarlyExit(loop: GoNode, body: GoNode): boolean {
  for (const n of body.descendantsOfType(['return_statement', 'goto_statement', 'break_statement', 'continue_statement'])) {
    if (insideFuncLiteral(n, body)) continue;
    if (n.type === 'return_statement' || n.type === 'goto_statement') return true;
    if (n.namedChildren.some((c) => c.type === 'label_name')) return true;
    // An unlabeled break/continue applies to the innermost for (and break also to switch/select).
    const stops = n.type === 'break_statement' ? ['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'] : ['for_statement'];
    let target: GoNode | null = n.parent;
    while (target && !stops.includes(target.type)) target = target.parent;
    if (target?.id === loop.id) return true;
  }
  return false;
}

function insideFuncLiteral(n: GoNode, stop: GoNode): boolean {
  for (let c = n.parent; c && c.id !== stop.id; c = c.parent) if (c.type === 'func_literal') return true;
  return false;
}

/** The declaration of `name` among the statements before `stmt` in its block, if nothing in between mentions the name. */
function startsEmpty(stmt: GoNode, name: string, collection: Collection): { decl: StartsEmpty; adjacent: boolean } | null {
  const list = stmt.parent;
  if (list?.type !== 'statement_list') return null;
  let adjacent = true;
  for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
    if (prev.type === 'comment') continue;
    const d = emptyDeclaration(prev, name, collection);
    if (d) return { decl: d, adjacent };
    if (mentions(prev, name)) return null;
    adjacent = false;
  }
  return null;
}

function emptyDeclaration(stmt: GoNode, name: string, collection: Collection): StartsEmpty | null {
  const wantType = collection === 'slice' ? 'slice_type' : 'map_type';
  if (stmt.type === 'var_declaration' && collection === 'slice') {
    const specs = stmt.namedChildren.filter((c) => c.type === 'var_spec');
    const [spec] = specs;
    if (!spec || specs.length !== 1) return null;
    const names = spec.childrenForFieldName('name');
    const type = spec.childForFieldName('type');
    if (names.length !== 1 || names[0]?.text !== name || type?.type !== wantType || spec.childForFieldName('value')) return null;
    return { decl: stmt, form: 'nil', type: type.text, value: null };
  }
  if (stmt.type !== 'short_var_declaration') return null;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  const [v] = right;
  if (left.length !== 1 || right.length !== 1 || left[0]?.text !== name || !v) return null;
  if (v.type === 'composite_literal') {
    const type = v.childForFieldName('type');
    const body = v.childForFieldName('body');
    if (type?.type !== wantType || !body || body.namedChildCount !== 0) return null;
    return { decl: stmt, form: 'empty', type: type.text, value: v };
  }
  if (v.type === 'call_expression' && v.childForFieldName('function')?.text === 'make') {
    const args = v.childForFieldName('arguments')?.namedChildren ?? [];
    const [made, length] = args;
    if (made?.type !== wantType) return null;
    if (collection === 'slice' && (args.length !== 2 || length?.text !== '0')) return null;
    if (collection === 'map' && args.length !== 1) return null;
    return { decl: stmt, form: 'empty', type: made.text, value: v };
  }
  return null;
}

/** The `make` call with capacity `count`. */
function makeCall(collection: Collection, type: string, count: string): string {
  return collection === 'slice' ? `make(${type}, 0, ${count})` : `make(${type}, ${count})`;
}

/** Findings with the prealloc fix for one collection kind. */
export function findPrealloc(input: FixInput, collection: Collection, spec: { kind: KindId; fixId: FixId }): Finding[] {
  const file = input.source;
  const out: Finding[] = [];
  const allowUpperBound = input.allowUpperBound ?? false;
  for (const stmt of file.tree.rootNode.descendantsOfType('assignment_statement')) {
    const target = collection === 'slice' ? appendTarget(stmt) : mapInsertTarget(stmt);
    if (!target) continue;
    const owner = owningLoop(stmt, allowUpperBound);
    if (!owner) continue;
    const acc: Accumulation = { ...target, stmt, loop: owner.loop, conditional: owner.conditional };
    const f = preallocFinding(input, file, acc, collection, spec, allowUpperBound);
    if (f) out.push(f);
  }
  return out;
}

function preallocFinding(input: FixInput, file: GoSourceFile, acc: Accumulation, collection: Collection, spec: { kind: KindId; fixId: FixId }, allowUpperBound: boolean): Finding | null {
  const { loop, name } = acc;
  const body = loop.childForFieldName('body');
  if (!body) return null;
  // The loop touches the collection only through this one statement: two mentions for
  // `s = append(s, x)`, one for `m[k] = v` (x, k and v must not read the collection).
  const mentionsInLoop = identifiersNamed(loop, name).length;
  if (mentionsInLoop !== (collection === 'slice' ? 2 : 1)) return null;
  const count = loopCount(loop);
  if (!count) return null;
  const upperBound = count.upperBound || acc.conditional || hasEarlyExit(loop, body);
  if (upperBound && !allowUpperBound) return null;
  // A labeled loop's label sits outdented on its own line; inserting before it is not worth the risk.
  if (loop.parent?.type === 'labeled_statement') return null;
  const loopStmt = loop;
  const found = startsEmpty(loopStmt, name, collection);
  if (!found) return null;
  const { decl, adjacent } = found;
  if (decl.form === 'nil' && upperBound) return null;
  if (decl.type.includes('\n')) return null;
  const edit = preallocEdit(input.file, file, loopStmt, decl, adjacent, name, collection, count);
  if (!edit) return null;
  const what = collection === 'slice' ? `slice \`${name}\` grows by append` : `map \`${name}\` grows`;
  return {
    file: input.file,
    ...nodeRange(file, acc.site),
    // Its kind's default, a hint; a profile promotes it by its cost when findings are joined (profile/join.ts).
    severity: kindInfo(spec.kind).defaultSeverity,
    kind: spec.kind,
    message: `${what} on every iteration of a loop that runs \`${count.text}\` times${upperBound ? ' at most' : ''}: give it that capacity up front`,
    compiler: null,
    related: [{ file: input.file, ...nodeStart(file, decl.decl), message: `${name} is declared empty here` }],
    fixes: [{ id: spec.fixId, title: `Pre-allocate ${name} with capacity ${count.text}`, edits: [edit] }],
    alloc: null,
    packagePath: input.findings.find((f) => f.packagePath)?.packagePath ?? '',
    decision: null,
  };
}

function preallocEdit(path: string, file: GoSourceFile, loopStmt: GoNode, decl: StartsEmpty, adjacent: boolean, name: string, collection: Collection, count: LoopCount) {
  const make = makeCall(collection, decl.type, count.text);
  // In place: the declaration right before the loop is already non-nil, and the count needs no guard.
  if (decl.form === 'empty' && adjacent && count.nonNegative && decl.value) {
    return offsetEdit(file, path, decl.value.startIndex, decl.value.endIndex, make);
  }
  // Otherwise set the capacity right before the loop, where the count has the value the loop sees.
  const lineStart = file.lines.lineStart(file.lines.positionAt(loopStmt.startIndex).line);
  const before = file.text.slice(lineStart, loopStmt.startIndex);
  if (!/^\t*$/.test(before)) return null;
  const indent = lineIndent(file, loopStmt.startIndex);
  if (indent === null) return null;
  let text: string;
  if (/^\d+$/.test(count.text)) {
    if (Number(count.text) === 0) return null;
    text = `${indent}${name} = ${make}\n`;
  } else {
    text = `${indent}if ${count.text} > 0 {\n${indent}\t${name} = ${make}\n${indent}}\n`;
  }
  return offsetEdit(file, path, lineStart, lineStart, text);
}
