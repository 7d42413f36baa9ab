// copy-loop-var: before Go 1.22 a `for` loop has one variable for all iterations, so a closure
// that outlives its iteration (a goroutine, a defer, a stored, returned or passed-on func
// literal, a parallel subtest) sees whatever value the variable has when it finally runs.
// The fix gives each iteration its own copy, `v := v`, as the first statement of the body —
// what Go 1.22 does for range loops (golang.org/s/loopvar). Never offered in files whose language
// version has per-iteration variables already, nor where the copy could change what the loop
// does (the body writes the variable, steps it through a pointer method, or declares the same name).
import { kindInfo, type FixId, type KindId } from '../engine/kinds';
import type { GoSourceFile } from '../engine/sourceFile';
import type { Finding } from '../engine/types';
import { identifiersNamed, isBinding, isWritten, lineIndent, nextLineStart, nodeRange, nodeStart, offsetEdit, restOfLineIsBlank, type GoNode } from './goTree';
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

/** How a func literal relates to its iteration. */
type ClosureLife = 'outlives' | 'within' | 'escapes-if-moved';

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

/** Whether the func literal can run after its iteration ends, from where it appears. */
export function closureLife(lit: GoNode): ClosureLife {
  let n = lit;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return 'escapes-if-moved';
  if (p.type === 'call_expression' && p.childForFieldName('function')?.id === n.id) {
    // Called right here: it finishes now, unless the call itself is deferred or run as a goroutine.
    const q = p.parent;
    return q?.type === 'go_statement' || q?.type === 'defer_statement' ? 'outlives' : 'within';
  }
  if (p.type === 'argument_list') {
    const call = p.parent as GoNode;
    const q = call.parent;
    if (q?.type === 'go_statement' || q?.type === 'defer_statement') return 'outlives';
    const callee = (call.childForFieldName('function')?.text ?? '').replace(/\s/g, '');
    if (SYNCHRONOUS_CALLEES.has(callee)) return 'within';
    if (isSubtestCall(call, lit)) return isParallelSubtest(call, lit) ? 'outlives' : 'within';
  }
  // Stored, returned, sent or passed on: it outlives the iteration when it outlives the function
  // (the compiler then moves the variable to the heap); without compiler output, assume it does.
  return 'escapes-if-moved';
}

/** Finds loop-variable captures that can outlive their iteration and offers `v := v`. */
export function findCopyLoopVar(input: FixInput): Finding[] {
  const lang = fileLanguageVersion(input.source.text, input.goVersion);
  // Only files known to have per-loop variables: unknown versions are never fixed.
  if (lang.perIterationLoopVars !== false) return [];
  const file = input.source;
  const compilerAvailable = input.findings.some((f) => f.decision !== null);
  const movedAt = new Set(input.findings.filter((f) => f.decision?.kind === 'escape.moved').map((f) => `${f.decision?.pos.line}:${f.decision?.pos.column}`));
  // `capturing by ref: c (addr=true …)`: somewhere the function takes c's address, maybe
  // implicitly, through a pointer-method call or method value the syntax cannot tell apart.
  const addressTakenAt = new Set(input.findings.filter((f) => f.decision?.kind === 'capture.ref' && f.decision.details.addr === true).map((f) => `${f.decision?.pos.line}:${f.decision?.pos.column}`));
  const out: Finding[] = [];
  for (const loop of file.tree.rootNode.descendantsOfType('for_statement')) {
    const finding = loopFinding(input, file, loop, { compilerAvailable, movedAt, addressTakenAt });
    if (finding) out.push(finding);
  }
  return out;
}

/** What the compiler said about the file's variables, by `line:column` of their declaration. */
interface CompilerFacts {
  compilerAvailable: boolean;
  movedAt: Set<string>;
  addressTakenAt: Set<string>;
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

function loopFinding(input: FixInput, file: GoSourceFile, loop: GoNode, facts: CompilerFacts): Finding | null {
  const { compilerAvailable, movedAt } = facts;
  const body = loop.childForFieldName('body');
  if (!body) return null;
  const vars = loopVariables(loop);
  if (vars.length === 0) return null;
  const threeClause = loop.namedChildren.some((c) => c.type === 'for_clause');
  const lits = body.descendantsOfType('func_literal');
  const captured: LoopVariable[] = [];
  let firstUse: GoNode | null = null;
  let kindOfUse = '';
  for (const v of vars) {
    const pos = nodeRange(file, v.decl);
    const moved = movedAt.has(`${pos.line}:${pos.column}`);
    for (const lit of lits) {
      const [use] = identifiersNamed(lit, v.name);
      if (!use) continue;
      const life = closureLife(lit);
      const outlives = life === 'outlives' || (life === 'escapes-if-moved' && (!compilerAvailable || moved));
      if (!outlives) continue;
      captured.push(v);
      if (!firstUse || use.startIndex < firstUse.startIndex) {
        firstUse = use;
        kindOfUse = describeClosure(lit);
      }
      break;
    }
  }
  if (captured.length === 0 || !firstUse) return null;
  // Safety: the copy must not change what the loop does. A write to the variable anywhere in the
  // body (in a three-clause loop it steers the loop), or a declaration of the same name (already
  // copied, or shadowed), means the copy is not a pure per-iteration snapshot: no fix.
  for (const v of captured) {
    const ids = identifiersNamed(body, v.name);
    if (ids.some((id) => isBinding(id) || isWritten(id))) return null;
    if (threeClause && mayWriteThroughMethod(file, body, v, facts)) return null;
  }
  const edit = copyEdit(
    input.file,
    file,
    body,
    captured.map((v) => v.name),
  );
  if (!edit) return null;
  const names = captured.map((v) => v.name);
  const listed = names.map((n) => `\`${n}\``).join(', ');
  return {
    file: input.file,
    ...nodeRange(file, firstUse),
    severity: kindInfo(LOOPVAR_CAPTURE_KIND).defaultSeverity,
    kind: LOOPVAR_CAPTURE_KIND,
    message: `${kindOfUse} captures loop variable${names.length > 1 ? 's' : ''} ${listed}, shared by all iterations before Go 1.22: it may see a later iteration's value`,
    compiler: null,
    related: captured.map((v) => ({ file: input.file, ...nodeStart(file, v.decl), message: `loop variable ${v.name} is declared once for the whole loop` })),
    fixes: [{ id: COPY_LOOP_VAR_ID, title: `Copy loop variable${names.length > 1 ? 's' : ''} ${names.join(', ')} per iteration`, edits: [edit] }],
    alloc: null,
    packagePath: input.findings.find((f) => f.packagePath)?.packagePath ?? '',
    decision: null,
  };
}

/** Words for the closure, for the message. */
function describeClosure(lit: GoNode): string {
  let n = lit;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  const q = p?.type === 'argument_list' ? p.parent?.parent : p?.parent;
  if (q?.type === 'go_statement') return 'A goroutine';
  if (q?.type === 'defer_statement') return 'A deferred function';
  if (p?.type === 'argument_list' && /\.Run$/.test(p.parent?.childForFieldName('function')?.text ?? '')) return 'A parallel subtest';
  return 'A closure that outlives the iteration';
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
