// The shared part of prealloc-slice and prealloc-map: a collection that starts empty and gets
// exactly one element per iteration of a counted loop, and nothing else touches it between its
// declaration and the end of the loop. The fix gives it that capacity up front.
//
// The capacity must never reserve memory the program would not have used. When the loop stops
// early (a panic in the body, recovered by a caller; a break with the upper-bound setting), the
// original run allocated only what its iterations appended, the fixed one the whole capacity up
// front. So a capacity is offered only when
// - the count is bounded by memory the program already holds (countedLoop.ts: the length of a
//   slice, array, map or string that exists before the loop, or a small constant), or
// - the loop provably runs to its end: its body is only the one append or insert, and nothing in
//   it can panic (names, literals, func literals, arithmetic without division or shifts; a map's
//   key of a basic type). Then the original run grows the collection to the whole count anyway.
// A `for i := 0; i < n; i++ { out = append(out, f(i)) }` with an arbitrary n is neither: f may
// panic at i == 2 while n is 1<<40.
//
// The fix never adds an allocation and keeps nil-ness:
// - A non-nil empty declaration (`s := []T{}`, `make([]T, 0)`, `m := map[K]V{}`, `make(map[K]V)`)
//   is rewritten in place (`make([]T, 0, len(xs))`, `make(map[K]V, len(xs))`) when the count has
//   the same value there as at the loop: right before the loop, or a constant, or the length of an
//   unchanging local declared before it. Non-nil and empty either way, and `make` with a capacity
//   never adds elements (never `make([]T, n)`). Otherwise a map gets no fix (a second `make`
//   would add an allocation to the first); an empty slice allocated nothing, so its capacity is
//   set right before the loop, as for a nil slice.
// - `var s []T` is nil after zero iterations, so its capacity is set behind a guard right before
//   the loop, `if len(xs) > 0 { s = make([]T, 0, len(xs)) }`: zero iterations leave it nil, and
//   with at least one iteration the first append would have made it non-nil anyway. The guard
//   is also how a count that might be negative (`range n`, `i < n`) is kept from panicking in
//   `make`. Upper-bound counts (conditional appends) are never used for a nil slice: a guard
//   that fires when no append happens would turn nil into empty. Between the guard and the first
//   append the slice is non-nil and empty; only a closure declared between the declaration and
//   the loop could see that after a panic, and such a mention of the name means no fix.
// Every name the fix writes (`make`, `len`) must still mean the builtin there (names.ts).
import { kindInfo, type FixId, type KindId } from '../engine/kinds';
import type { Finding } from '../engine/types';
import { loopCount, type LoopCount } from './countedLoop';
import type { FixInput } from './fixTypes';
import { identifiersNamed, isWritten, lineIndent, mentions, nodeRange, nodeStart, offsetEdit, type GoNode } from './goTree';
import { neverWritten, resolveBinding } from './declarations';
import { isBuiltinAt } from './names';
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
function startsEmpty(stmt: GoNode, name: string, collection: Collection): { decl: StartsEmpty; adjacent: boolean; between: GoNode[] } | null {
  const list = stmt.parent;
  if (list?.type !== 'statement_list') return null;
  const between: GoNode[] = [];
  for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
    if (prev.type === 'comment') continue;
    const d = emptyDeclaration(prev, name, collection);
    if (d) return { decl: d, adjacent: between.length === 0, between };
    if (mentions(prev, name)) return null;
    between.push(prev);
  }
  return null;
}

/** Whether evaluating an expression cannot panic: names, literals, func literals, and arithmetic or logic on them without division or shifts. */
function cannotPanic(e: GoNode): boolean {
  switch (e.type) {
    case 'identifier':
    case 'int_literal':
    case 'float_literal':
    case 'imaginary_literal':
    case 'rune_literal':
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'true':
    case 'false':
    case 'nil':
    case 'iota':
    case 'func_literal':
      return true;
    case 'parenthesized_expression':
      return e.namedChildCount === 1 && cannotPanic(e.namedChild(0) as GoNode);
    case 'unary_expression': {
      const op = e.childForFieldName('operator')?.type ?? '';
      const operand = e.childForFieldName('operand');
      // `&x` of a name takes its address; `*p` and `<-ch` can panic or block.
      if (op === '&') return operand?.type === 'identifier';
      return ['-', '+', '!', '^'].includes(op) && !!operand && cannotPanic(operand);
    }
    case 'binary_expression': {
      const op = e.childForFieldName('operator')?.type ?? '';
      const l = e.childForFieldName('left');
      const r = e.childForFieldName('right');
      // Division and remainder panic on zero, shifts on a negative count.
      if (!['+', '-', '*', '&', '|', '^', '&^', '==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(op)) return false;
      return !!l && !!r && cannotPanic(l) && cannotPanic(r);
    }
    default:
      return false;
  }
}

const BASIC_KEY = /^(string|bool|u?int(8|16|32|64)?|uintptr|byte|rune|float(32|64))$/;

/**
 * Whether the loop runs to its end once started: its body is only the accumulating statement and
 * nothing in that statement can panic (a map's key of a basic type hashes without panicking).
 */
function runsToEnd(acc: Accumulation, collection: Collection, type: string): boolean {
  const body = acc.loop.childForFieldName('body');
  const stmts = body?.namedChildren.flatMap((c) => (c.type === 'statement_list' ? c.namedChildren : [c])).filter((c) => c.type !== 'comment') ?? [];
  if (stmts.length !== 1 || stmts[0]?.id !== acc.stmt.id) return false;
  if (collection === 'slice') {
    const element = acc.site.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment')[1];
    return !!element && cannotPanic(element);
  }
  const target = acc.stmt.childForFieldName('left')?.namedChildren[0];
  const key = target?.childForFieldName('index');
  const value = acc.stmt.childForFieldName('right')?.namedChildren[0];
  const keyType = /^map\[([^\]]*)\]/.exec(type)?.[1]?.trim() ?? '';
  return !!key && !!value && BASIC_KEY.test(keyType) && cannotPanic(key) && cannotPanic(value);
}

/**
 * Whether the count has, at the declaration, the value the loop sees: a constant, or the length
 * (or value) of a local declared before the declaration and never written in the function. A map
 * operand is never taken: statements in between may add or delete entries.
 */
function countAtDeclaration(count: LoopCount, decl: GoNode): boolean {
  if (/^\d+$/.test(count.text)) return true;
  const operand = count.operand;
  if (!operand || operand.type !== 'identifier' || count.operandIsMap) return false;
  const binding = resolveBinding(operand);
  if (!binding || binding.startIndex >= decl.startIndex) return false;
  return neverWritten(operand, isWritten);
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
  const { decl, adjacent, between } = found;
  if (decl.form === 'nil' && upperBound) return null;
  if (decl.type.includes('\n')) return null;
  // The capacity must not reserve memory the original run would not have used.
  if (!count.bounded && !runsToEnd(acc, collection, decl.type)) return null;
  // `make` and `len` must be the builtins where they are written.
  const builtins = ['make', ...(/\blen\(/.test(count.text) ? ['len'] : [])];
  if (!builtins.every((b) => isBuiltinAt(loop, b, file, input.packageNames))) return null;
  const plan = placement(decl, adjacent, between, count, collection);
  if (!plan) return null;
  const edit = preallocEdit(input.file, file, loopStmt, decl, plan, name, collection, count);
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

/**
 * Where the capacity goes: in place of the empty declaration's value, or set right before the
 * loop (only where that adds no allocation); null for no fix.
 */
function placement(decl: StartsEmpty, adjacent: boolean, between: readonly GoNode[], count: LoopCount, collection: Collection): 'in-place' | 'before-loop' | null {
  if (decl.form === 'empty' && decl.value && count.nonNegative && (adjacent || countAtDeclaration(count, decl.decl))) return 'in-place';
  // A second make after a map's first one would add an allocation.
  if (collection === 'map') return null;
  // A type declared in between could change what the copied type text means before the loop.
  if (between.some((s) => s.type === 'type_declaration')) return null;
  return 'before-loop';
}

function preallocEdit(path: string, file: GoSourceFile, loopStmt: GoNode, decl: StartsEmpty, plan: 'in-place' | 'before-loop', name: string, collection: Collection, count: LoopCount) {
  const make = makeCall(collection, decl.type, count.text);
  // In place: the declaration is already non-nil, and the count needs no guard.
  if (plan === 'in-place' && decl.value) {
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
