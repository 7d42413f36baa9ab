// copy-loop-var: before Go 1.22 a `for` loop has one variable for all iterations, so a closure
// that outlives its iteration (a goroutine, a defer in the loop body, a closure stored outside the
// loop or sent, a parallel subtest) sees whatever value the variable has when it finally runs.
// Those are warnings; a closure that provably finishes within the iteration (called at once,
// passed where the compiler says it does not escape, inside a closure that itself finishes) is
// not reported, and one that can be shown neither way is a "may … if …" hint whose fix is marked
// uncertain. The fix gives each iteration its own copy, `v := v`, as the first statement of the
// body — what Go 1.22 does (golang.org/s/loopvar). Never offered in files whose language version
// has per-iteration variables already, nor where the copy could change what the loop does (the
// body writes the variable or steps it through a pointer method).
import { kindInfo, type FixId, type KindId } from '../engine/kinds';
import type { GoSourceFile } from '../engine/sourceFile';
import type { CompilerDecision, Finding, FindingFix } from '../engine/types';
import { identifiersNamed, isBinding, isWritten, lineIndent, nextLineStart, nodeRange, nodeStart, offsetEdit, restOfLineIsBlank, type GoNode } from './goTree';
import { argumentStays, type NonEscapingParams } from './callees';
import { fileLanguageVersion } from './languageVersion';
import type { FixInput } from './fixTypes';

export const COPY_LOOP_VAR_ID = 'copy-loop-var' satisfies FixId;
export const LOOPVAR_CAPTURE_KIND = 'loopvar.capture' satisfies KindId;

/** Callees that run a func argument before they return, so the closure cannot outlive the iteration. */
const SYNCHRONOUS_CALLEES = new Set([
  'sort.Slice',
  'sort.SliceStable',
  'sort.Search',
  'sort.Find',
  'slices.SortFunc',
  'slices.SortStableFunc',
  'slices.IndexFunc',
  'slices.ContainsFunc',
  'slices.DeleteFunc',
  'slices.EqualFunc',
  'slices.CompactFunc',
  'slices.CompareFunc',
  'slices.BinarySearchFunc',
  'slices.MaxFunc',
  'slices.MinFunc',
  'slices.IsSortedFunc',
  'maps.DeleteFunc',
  'maps.EqualFunc',
  'strings.Map',
  'strings.IndexFunc',
  'strings.LastIndexFunc',
  'strings.FieldsFunc',
  'strings.TrimFunc',
  'strings.TrimLeftFunc',
  'strings.TrimRightFunc',
  'strings.ContainsFunc',
  'bytes.Map',
  'bytes.IndexFunc',
  'bytes.LastIndexFunc',
  'bytes.FieldsFunc',
  'bytes.TrimFunc',
  'bytes.TrimLeftFunc',
  'bytes.TrimRightFunc',
  'bytes.ContainsFunc',
]);

/** One loop variable: its name and declaring identifier. */
interface LoopVariable {
  name: string;
  decl: GoNode;
}

/** The variables a `for` statement declares with `:=` (range clause or three-clause initializer). */
export function loopVariables(loop: GoNode): LoopVariable[] {
  const range = loop.namedChildren.find((c) => c.type === 'range_clause');
  const clause = loop.namedChildren.find((c) => c.type === 'for_clause');
  let left: GoNode | null = null;
  if (range && range.children.some((c) => c.type === ':=')) left = range.childForFieldName('left');
  const init = clause?.childForFieldName('initializer');
  if (init?.type === 'short_var_declaration') left = init.childForFieldName('left');
  if (!left) return [];
  return left.namedChildren.filter((c) => c.type === 'identifier' && c.text !== '_').map((c) => ({ name: c.text, decl: c }));
}

/** Whether a `t.Run(name, func(t *testing.T) {…})` callback calls `t.Parallel()`, i.e. runs after Run returns. */
function isParallelSubtest(call: GoNode, lit: GoNode): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Run') return false;
  const param = lit.childForFieldName('parameters')?.namedChildren[0];
  const name = param?.childForFieldName('name')?.text;
  if (!name || !/^\*testing\.[TB]$/.test((param?.childForFieldName('type')?.text ?? '').replace(/\s/g, ''))) return false;
  return lit.descendantsOfType('call_expression').some((c) => c.childForFieldName('function')?.text.replace(/\s/g, '') === `${name}.Parallel`);
}

/** Whether a call is a `t.Run`-shaped call with a testing callback (synchronous unless parallel). */
function isSubtestCall(call: GoNode, lit: GoNode): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Run') return false;
  const param = lit.childForFieldName('parameters')?.namedChildren[0];
  return /^\*testing\.[TB]$/.test((param?.childForFieldName('type')?.text ?? '').replace(/\s/g, ''));
}

/** Whether a call is `b.RunParallel(func(pb *testing.PB) {…})`, which waits for the goroutines it starts. */
function isRunParallelCall(call: GoNode, lit: GoNode): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'RunParallel') return false;
  const param = lit.childForFieldName('parameters')?.namedChildren[0];
  return (param?.childForFieldName('type')?.text ?? '').replace(/\s/g, '') === '*testing.PB';
}

/** How long a closure can run, measured against the loop iteration it is made in. */
export type ClosureLife =
  /** It can run after the iteration ends: `what` names the closure for the message. */
  | { life: 'outlives'; what: string }
  /** It provably finishes before the iteration ends. */
  | { life: 'within' }
  /** Neither can be shown: it outlives the iteration only `condition` ("if … keeps it …"). */
  | { life: 'uncertain'; what: string; condition: string };

/** How one func literal runs, relative to the function or closure that contains it. */
type OwnLife =
  | { k: 'outlives'; what: string }
  /** Deferred: it runs when the enclosing function returns. */
  | { k: 'deferred' }
  /** It finishes before the enclosing function's current statement does (called, or passed to a call that does not keep it). */
  | { k: 'enclosing' }
  /** Returned from the enclosing function. */
  | { k: 'returned' }
  | { k: 'uncertain'; what: string; condition: string };

/** What the compiler said about one file, by `line:column` of the position it printed. */
export interface CompilerFacts {
  /** `capturing by ref: c (addr=true …)`. */
  addressTakenAt: Set<string>;
  /** `func literal does not escape`: the closure cannot outlive the statement that makes it. */
  literalStaysAt: Set<string>;
  /** `func literal escapes to heap`. */
  literalEscapesAt: Set<string>;
  /** The package's functions whose parameters do not escape. */
  nonEscapingParams?: NonEscapingParams;
}

/** The compiler facts of a file from its decisions (any kind, whatever the user is shown). */
export function compilerFacts(decisions: readonly CompilerDecision[], nonEscapingParams?: NonEscapingParams): CompilerFacts {
  const at = (d: CompilerDecision): string => `${d.pos.line}:${d.pos.column}`;
  const facts: CompilerFacts = {
    addressTakenAt: new Set(),
    literalStaysAt: new Set(),
    literalEscapesAt: new Set(),
    nonEscapingParams,
  };
  for (const d of decisions) {
    if (d.kind === 'capture.ref' && d.details.addr === true) facts.addressTakenAt.add(at(d));
    else if (d.kind === 'noescape' && d.details.subject === 'func literal') facts.literalStaysAt.add(at(d));
    else if (d.kind === 'escape.closure') facts.literalEscapesAt.add(at(d));
  }
  // Code inlined elsewhere is analysed again there: one "escapes" anywhere outweighs the rest.
  for (const k of facts.literalEscapesAt) facts.literalStaysAt.delete(k);
  return facts;
}

/** The nearest func literal around `n` that lies inside `body`, or null when `n`'s function contains the loop. */
function enclosingLiteralIn(n: GoNode, body: GoNode): GoNode | null {
  for (let c = n.parent; c && c.id !== body.id; c = c.parent) if (c.type === 'func_literal') return c;
  return null;
}

/** The identifier an assignment target is rooted in (`s` of `s.f[i]`), or null (`f().x`). */
function targetRoot(e: GoNode): GoNode | null {
  let n: GoNode | null = e;
  while (n && n.type !== 'identifier') {
    if (n.type === 'selector_expression' || n.type === 'index_expression') n = n.childForFieldName('operand');
    else if (n.type === 'parenthesized_expression') n = n.namedChildren[0] ?? null;
    else if (n.type === 'unary_expression') n = n.childForFieldName('operand');
    else return null;
  }
  return n;
}

/** Whether `name` is declared inside `body` before `at` (a variable of the iteration, not of the loop's function). */
function declaredInside(body: GoNode, name: string, at: GoNode): boolean {
  return identifiersNamed(body, name).some((id) => id.startIndex < at.startIndex && isBinding(id));
}

/**
 * Where a closure value ends up when it is not called or passed on: climbs through composite
 * literals and `append` to the statement that stores, returns or sends it.
 */
function storedBy(lit: GoNode, body: GoNode, key: string, facts: CompilerFacts): OwnLife {
  let n = lit;
  for (;;) {
    const p = n.parent;
    if (!p) break;
    if (p.type === 'parenthesized_expression' || p.type === 'literal_element' || p.type === 'keyed_element' || p.type === 'literal_value' || p.type === 'composite_literal') {
      n = p;
      continue;
    }
    if (p.type === 'argument_list' && p.parent?.childForFieldName('function')?.text === 'append') {
      n = p.parent;
      continue;
    }
    break;
  }
  const p = n.parent;
  if (p?.type === 'send_statement' && p.childForFieldName('value')?.id === n.id) return { k: 'outlives', what: 'A closure sent on a channel' };
  if (p?.type === 'expression_list') {
    const stmt = p.parent;
    if (stmt?.type === 'return_statement') return { k: 'returned' };
    if (stmt?.type === 'assignment_statement' && stmt.childForFieldName('right')?.id === p.id) {
      const index = p.namedChildren.findIndex((c) => c.id === n.id);
      const target = stmt.childForFieldName('left')?.namedChildren[index];
      const root = target ? targetRoot(target) : null;
      if (root?.text === '_') return { k: 'enclosing' };
      // Stored in something the loop's function had before the loop: it is there for the next iteration too.
      if (!root || !declaredInside(body, root.text, stmt)) return { k: 'outlives', what: 'A closure stored outside the loop' };
      return local(target?.text ?? 'a variable', key, facts);
    }
    if (stmt?.type === 'short_var_declaration' || stmt?.type === 'var_spec') {
      const index = p.namedChildren.findIndex((c) => c.id === n.id);
      const name = (stmt.type === 'var_spec' ? stmt.childrenForFieldName('name')[index] : stmt.childForFieldName('left')?.namedChildren[index])?.text;
      return local(name ?? 'a variable', key, facts);
    }
  }
  return local(null, key, facts);
}

/** A closure kept in a variable of the iteration (or somewhere the syntax cannot follow): the compiler decides. */
function local(name: string | null, key: string, facts: CompilerFacts): OwnLife {
  if (facts.literalStaysAt.has(key)) return { k: 'enclosing' };
  return name === null
    ? { k: 'uncertain', what: 'A closure', condition: 'if it is kept past the iteration' }
    : { k: 'uncertain', what: `A closure stored in ${name}`, condition: `if ${name} is kept past the iteration` };
}

/** How one func literal runs relative to the function or closure around it, from where it appears and what the compiler said. */
function ownLife(lit: GoNode, body: GoNode, file: GoSourceFile, facts: CompilerFacts): OwnLife {
  const start = nodeStart(file, lit);
  const key = `${start.line}:${start.column}`;
  let n = lit;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return { k: 'uncertain', what: 'A closure', condition: 'if it is kept past the iteration' };
  if (p.type === 'call_expression' && p.childForFieldName('function')?.id === n.id) {
    // Called right here: it finishes now, unless the call itself is deferred or run as a goroutine.
    const q = p.parent;
    if (q?.type === 'go_statement') return { k: 'outlives', what: 'A goroutine' };
    return q?.type === 'defer_statement' ? { k: 'deferred' } : { k: 'enclosing' };
  }
  if (p.type === 'argument_list' && p.parent?.childForFieldName('function')?.text !== 'append') {
    const call = p.parent as GoNode;
    const q = call.parent;
    if (q?.type === 'go_statement') return { k: 'outlives', what: 'A goroutine' };
    if (q?.type === 'defer_statement') return { k: 'deferred' };
    const callee = (call.childForFieldName('function')?.text ?? '').replace(/\s/g, '');
    if (isSubtestCall(call, lit)) return isParallelSubtest(call, lit) ? { k: 'outlives', what: 'A parallel subtest' } : { k: 'enclosing' };
    if (isRunParallelCall(call, lit) || SYNCHRONOUS_CALLEES.has(callee)) return { k: 'enclosing' };
    // The compiler's word on the literal: one that does not escape cannot outlive the call, and a
    // literal made in a loop that is kept past the iteration escapes (escape analysis counts loop depth).
    if (facts.literalStaysAt.has(key)) return { k: 'enclosing' };
    // An inlined callee takes the literal with it and nothing is printed at the literal: ask the
    // callee's own parameter (`f does not escape`), for functions of this package.
    const argIndex = p.namedChildren.findIndex((c) => c.id === n.id);
    if (argumentStays(facts.nonEscapingParams, callee, argIndex)) return { k: 'enclosing' };
    return { k: 'uncertain', what: `A closure passed to ${callee}`, condition: `if ${callee} keeps it past the iteration` };
  }
  return storedBy(n, body, key, facts);
}

/**
 * How long a func literal in a loop body can run, measured against the iteration: its own place
 * (`ownLife`), then that of each closure around it up to the loop body. A `defer` runs when the
 * closure around it returns; a closure called at once, or passed to a call that does not keep
 * it, runs while the closure around it does.
 */
export function closureLife(lit: GoNode, body: GoNode, file: GoSourceFile, facts: CompilerFacts): ClosureLife {
  const own = ownLife(lit, body, file, facts);
  if (own.k === 'outlives') return { life: 'outlives', what: own.what };
  const outer = enclosingLiteralIn(lit, body);
  switch (own.k) {
    case 'deferred':
      return outer ? closureLife(outer, body, file, facts) : { life: 'outlives', what: 'A deferred function' };
    case 'enclosing':
      return outer ? closureLife(outer, body, file, facts) : { life: 'within' };
    case 'returned': {
      // Returned by the loop's own function: the loop is over, no later iteration changes the variable.
      if (!outer) return { life: 'within' };
      const o = closureLife(outer, body, file, facts);
      return o.life === 'outlives' ? o : { life: 'uncertain', what: 'A returned closure', condition: 'if the caller keeps it past the iteration' };
    }
    case 'uncertain': {
      if (!outer) return { life: 'uncertain', what: own.what, condition: own.condition };
      const o = closureLife(outer, body, file, facts);
      return o.life === 'outlives' ? o : { life: 'uncertain', what: own.what, condition: own.condition };
    }
  }
}

/** Finds loop-variable captures that can outlive their iteration and offers `v := v`. */
export function findCopyLoopVar(input: FixInput): Finding[] {
  const lang = fileLanguageVersion(input.source.text, input.goVersion);
  // Only files known to have per-loop variables: unknown versions are never fixed.
  if (lang.perIterationLoopVars !== false) return [];
  const file = input.source;
  // Evidence is every decision the compiler printed for the file, whatever kinds the caller shows
  // (check shows no capture.ref by default): check, fix and the editor decide alike.
  const decisions = input.decisions ?? input.findings.flatMap((f) => (f.decision ? [f.decision] : []));
  const facts = compilerFacts(decisions, input.nonEscapingParams);
  const out: Finding[] = [];
  for (const loop of file.tree.rootNode.descendantsOfType('for_statement')) {
    const finding = loopFinding(input, file, loop, facts);
    if (finding) out.push(finding);
  }
  return out;
}

/** Names of the methods with a pointer receiver declared in the file. */
function pointerMethodNames(root: GoNode): Set<string> {
  const names = new Set<string>();
  for (const m of root.descendantsOfType('method_declaration')) {
    const recv = m.childForFieldName('receiver')?.namedChildren[0];
    const name = m.childForFieldName('name')?.text;
    if (name && recv?.childForFieldName('type')?.type === 'pointer_type') names.add(name);
  }
  return names;
}

/**
 * Whether the body of a three-clause loop may change the loop variable through its address without
 * an assignment: `c.next()` or `f := c.next` on a pointer method (golang.org/ref/spec#Calls: `&c`
 * is implied). With the copy that change would go to the copy and no longer steer the loop. The
 * compiler's `addr=true` covers both; the syntax alone sees any method call, and method values
 * only of pointer methods declared in the same file.
 */
function mayWriteThroughMethod(file: GoSourceFile, body: GoNode, v: LoopVariable, facts: CompilerFacts): boolean {
  const pos = nodeRange(file, v.decl);
  if (facts.addressTakenAt.has(`${pos.line}:${pos.column}`)) return true;
  const pointerMethods = pointerMethodNames(file.tree.rootNode);
  return identifiersNamed(body, v.name).some((id) => {
    const sel = id.parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== id.id) return false;
    const call = sel.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === sel.id) return true;
    return pointerMethods.has(sel.childForFieldName('field')?.text ?? '');
  });
}

/** The loop's finding: a warning when a closure outlives the iteration, a hint when it may. */
function loopFinding(input: FixInput, file: GoSourceFile, loop: GoNode, facts: CompilerFacts): Finding | null {
  const body = loop.childForFieldName('body');
  if (!body) return null;
  const vars = loopVariables(loop);
  if (vars.length === 0) return null;
  const threeClause = loop.namedChildren.some((c) => c.type === 'for_clause');
  // Per variable, the use whose closure lives longest: outlives, then uncertain.
  const outliving: Array<{ v: LoopVariable; use: GoNode; life: ClosureLife }> = [];
  const uncertain: Array<{ v: LoopVariable; use: GoNode; life: ClosureLife }> = [];
  for (const v of vars) {
    let best: { use: GoNode; life: ClosureLife } | null = null;
    for (const use of identifiersNamed(body, v.name)) {
      const lit = enclosingLiteralIn(use, body);
      if (!lit) continue;
      const life = closureLife(lit, body, file, facts);
      if (life.life === 'within') continue;
      if (!best || (best.life.life === 'uncertain' && life.life === 'outlives')) best = { use, life };
      if (life.life === 'outlives') break;
    }
    if (best) (best.life.life === 'outlives' ? outliving : uncertain).push({ v, ...best });
  }
  const chosen = outliving.length > 0 ? outliving : uncertain;
  const first = chosen.reduce<(typeof chosen)[number] | null>((a, c) => (a && a.use.startIndex <= c.use.startIndex ? a : c), null);
  if (!first) return null;
  const captured = chosen.map((c) => c.v);
  // A declaration of the same name in the body (already copied, or shadowed): the closure may not
  // see the loop's variable at all.
  if (captured.some((v) => identifiersNamed(body, v.name).some(isBinding))) return null;
  // Safety: the copy must not change what the loop does. A write to the variable anywhere in the
  // body (in a three-clause loop it steers the loop) means the copy is not a pure per-iteration
  // snapshot: the capture is still reported, without a fix.
  const changed = captured.find((v) => identifiersNamed(body, v.name).some(isWritten) || (threeClause && mayWriteThroughMethod(file, body, v, facts)));
  const edit = changed
    ? null
    : copyEdit(
        input.file,
        file,
        body,
        captured.map((v) => v.name),
      );
  if (!edit && !changed) return null;
  const names = captured.map((v) => v.name);
  const listed = names.map((n) => `\`${n}\``).join(', ');
  const life = first.life;
  const sure = life.life === 'outlives';
  const what = life.life === 'within' ? '' : life.what;
  const consequence = life.life === 'uncertain' ? `it may see a later iteration's value ${life.condition}` : "it may see a later iteration's value";
  const fixes: FindingFix[] = [];
  if (edit) fixes.push({ id: COPY_LOOP_VAR_ID, title: `Copy loop variable${names.length > 1 ? 's' : ''} ${names.join(', ')} per iteration`, edits: [edit], ...(sure ? {} : { uncertain: true }) });
  const noFix = changed ? ` (no fix: the loop may change \`${changed.name}\` in its body, which a copy would stop)` : '';
  return {
    file: input.file,
    ...nodeRange(file, first.use),
    // Only a closure known to outlive its iteration is a warning; one that may is a hint.
    severity: sure ? kindInfo(LOOPVAR_CAPTURE_KIND).defaultSeverity : 'hint',
    kind: LOOPVAR_CAPTURE_KIND,
    message: `${what} captures loop variable${names.length > 1 ? 's' : ''} ${listed}, shared by all iterations before Go 1.22: ${consequence}${noFix}`,
    compiler: null,
    related: captured.map((v) => ({ file: input.file, ...nodeStart(file, v.decl), message: `loop variable ${v.name} is declared once for the whole loop` })),
    fixes,
    alloc: null,
    packagePath: input.findings.find((f) => f.packagePath)?.packagePath ?? '',
    decision: null,
  };
}

/** The edit inserting `v := v` lines after the body's `{`, indented one tab deeper than the closing `}`; null when the body is not laid out one statement per line. */
function copyEdit(path: string, file: GoSourceFile, body: GoNode, names: string[]) {
  const open = body.child(0);
  const close = body.child(body.childCount - 1);
  if (open?.type !== '{' || close?.type !== '}') return null;
  if (!restOfLineIsBlank(file, open.endIndex)) return null;
  const closeRow = file.lines.positionAt(close.startIndex).line;
  if (closeRow === file.lines.positionAt(open.startIndex).line) return null;
  // The closing brace must start its line, so its indentation is the statement's.
  if (file.lines.lineText(closeRow).trim() !== '}' && !file.lines.lineText(closeRow).trimStart().startsWith('}')) return null;
  const indent = lineIndent(file, close.startIndex);
  if (indent === null) return null;
  const at = nextLineStart(file, open.endIndex);
  const text = names.map((n) => `${indent}\t${n} := ${n}\n`).join('');
  return offsetEdit(file, path, at, at, text);
}
