// Mapping compiler decisions onto the syntax nodes they are about: each decision's kind (or its
// subject, as the compiler prints it) asks for a node shape, and the numbered rules in
// `nodeForDecision` find the node of that shape at or near the compiler's position.
// Ranges are in `ByteRange` units; tree offsets are UTF-16 (see the top of sourceFile.ts).
import type Parser from 'tree-sitter';
import type { ByteRange, CompilerDecision, NodeShape } from './types';
import { decisionShape } from './kinds';
import type { GoSourceFile } from './sourceFile';
import { firstNonBlank } from './positions';
import { gotoChildEndingAfter } from './treeCursor';

/** A syntax node as plain data: its tree-sitter type, range and text. */
export interface SyntaxNodeInfo {
  type: string;
  range: ByteRange;
  text: string;
}

/** Where a finding sits in the tree: its range and the type of the node spanning exactly that range. */
export interface SyntaxAnchor {
  range: ByteRange;
  /**
   * Null when no node can confirm the range after an edit: an ERROR node (its extent follows the
   * parser's recovery, not the code) or an empty range (a file without a token). Range tracking
   * follows such ranges by offsets only.
   */
  nodeType: string | null;
  /**
   * The callee's text when the node is a call the compiler reports at the decision's point
   * (`c.Redirect` of `c.Redirect(302, "/")`, `Box[int]` of `Box[int](n)`), else absent: what
   * says whether a decision is about an inlined call.
   */
  callee?: string;
  /** The whole call when the range is its method's own text in a chain (ownCallStart): what the user wrote for the value. */
  whole?: ByteRange;
}

/**
 * The node a compiler decision is about, as its range and type; the range is never zero-width in a
 * file with a token. `atInlinedCall`: the compiler inlined a call at the decision's position, so
 * the decision is about something in the callee's body, said on that call (not on a name of the
 * line that happens to equal the subject: `clone` of `s.base.clone()` for the callee's `clone`).
 */
export function anchorForDecision(file: GoSourceFile, d: CompilerDecision, atInlinedCall = false): SyntaxAnchor {
  const node = nodeForDecision(file, d, atInlinedCall);
  const start = ownCallStart(file.text, node);
  // A range that is not a whole node is tracked through edits by its offsets (documents.ts).
  const nodeType = node.type === 'ERROR' || node.end <= node.start || start !== node.start ? null : node.type;
  const anchor: SyntaxAnchor = { range: file.byteRange(start, node.end), nodeType };
  if (start !== node.start) anchor.whole = file.byteRange(node.start, node.end);
  if (node.part && CALL_TYPES.includes(node.type) && d.pos.column > 0 && node.reported === file.lines.byteToOffset(d.pos.line, d.pos.column)) {
    anchor.callee = file.text.slice(node.part.start, node.part.end);
  }
  return anchor;
}

/**
 * Where a call's own text begins: for a method called on the result of another call (a chain,
 * `New(w).Hook(a).Hook(b)`), its method name (`Hook(b)`), since the whole call expression spans
 * the chain and two calls of one chain would cover the same start (zerolog v1.33.0 hook_test.go:102
 * showed two identical lines for the two `Hook` calls); else the node's start.
 */
function ownCallStart(text: string, node: NodeView): number {
  if (node.type !== 'call_expression' || node.part?.type !== 'selector_expression') return node.start;
  const selector = text.slice(node.part.start, node.part.end);
  const dot = selector.lastIndexOf('.');
  if (dot <= 0 || !selector.slice(0, dot).trimEnd().endsWith(')')) return node.start;
  let at = dot + 1;
  while (at < selector.length && /\s/.test(selector[at]!)) at++;
  return at < selector.length ? node.part.start + at : node.start;
}

/**
 * Whether a Go position (1-based line, byte column) is where the compiler positions a function
 * declaration: its name, or a method's receiver `(`. A generic function's dictionary wrapper
 * (`Box[int]`) is positioned there, and so is what its inlined copy of the shape instantiation reports.
 */
export function isFunctionNameAt(file: GoSourceFile, line1: number, byteCol1: number): boolean {
  if (byteCol1 <= 0 || line1 < 1 || line1 > file.lines.lineCount) return false;
  const at = file.lines.byteToOffset(line1, byteCol1);
  const chain = cachedChainAt(walkOf(file), at);
  const fn = chain[1];
  if (fn !== undefined && chain[0]!.start === at && (fn.type === 'function_declaration' || fn.type === 'method_declaration') && fn.part?.start === at) return true;
  // `func (os objects[T]) MarshalLogArray(…)`: the receiver list comes before the name.
  const method = chain[2];
  const receiver = chain[1];
  return method?.type === 'method_declaration' && receiver?.type === 'parameter_list' && receiver.start === at && method.part !== null && at < method.part.start;
}

/** The smallest node at a Go position (1-based line, 1-based byte column), or the nearest token when the point is blank. */
export function nodeAt(file: GoSourceFile, line1: number, byteCol1: number): SyntaxNodeInfo {
  const at = file.lines.byteToOffset(line1, byteCol1);
  const w = walkOf(file);
  const leaf = chainAt(w, at)[0];
  // chainAt leaves its cursor on the innermost node: a token when it has no children.
  const hasChildren = w.chainCursor.gotoFirstChild();
  if (hasChildren) w.chainCursor.gotoParent();
  const isToken = leaf !== undefined && !hasChildren && leaf.end > at;
  const n = isToken ? leaf : tokenNear(file, at);
  return { type: n.type, range: file.byteRange(n.start, n.end), text: file.text.slice(n.start, n.end) };
}

/** The lines (1-based, inclusive) of the top-level function or method declaration around a Go position; null outside one. */
export function declarationLines(file: GoSourceFile, line1: number, byteCol1: number): { line: number; endLine: number } | null {
  const at = file.lines.byteToOffset(line1, Math.max(1, byteCol1));
  const decl = chainAt(walkOf(file), at).find((n) => n.type === 'function_declaration' || n.type === 'method_declaration');
  return decl ? { line: rowOf(file, decl.start) + 1, endLine: rowOf(file, Math.max(decl.start, decl.end - 1)) + 1 } : null;
}

/** Why a line of a function runs on some paths through it only: the construct, and the line that starts it. */
export interface Branch {
  construct: 'if' | 'loop' | 'switch' | 'select' | '&&' | '||' | 'return';
  /** The 1-based line of the `if`, loop, case, operator's expression or `return`. */
  line: number;
}

/** A branch in words, after "is": "inside an `if`", "after the `return` at line 12" (`file`: the line's file as the message names it, "bufio/bufio.go:54"). */
export function branchWords(b: Branch, file?: string): string {
  switch (b.construct) {
    case 'if':
      return 'inside an `if`';
    case 'loop':
      return 'inside a loop';
    case 'switch':
      return 'in a `switch` case';
    case 'select':
      return 'in a `select` case';
    case 'return':
      return `after the \`return\` at ${file === undefined ? 'line ' : `${file}:`}${b.line}`;
    case '&&':
    case '||':
      return `on the right of \`${b.construct}\``;
  }
}

/**
 * Whether 1-based line `line1` of a function runs only on some paths through its function: it is
 * inside an `if` or `else`, a loop body, a `switch` or `select` case, the right operand of `&&` or
 * `||`, or after a `return` of the same function. Null when every call of the function that
 * returns runs it (as far as the syntax tells: a `panic` or `goto` before it is not counted), or
 * when the line is outside a function.
 */
export function branchAround(file: GoSourceFile, line1: number): Branch | null {
  if (line1 < 1 || line1 > file.lines.lineCount) return null;
  const row = line1 - 1;
  const at = file.lines.lineStart(row) + firstNonBlank(file.lines.lineText(row));
  const chain = chainAt(walkOf(file), at);
  const lineOf = (n: { start: number }): number => rowOf(file, n.start) + 1;
  for (let i = 1; i < chain.length; i++) {
    const n = chain[i]!;
    const child = chain[i - 1]!;
    switch (n.type) {
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        return returnBefore(file, n, at, lineOf);
      case 'if_statement':
        // The consequence and the alternative (a block, or `else if`), not the initializer or condition.
        if (child.type === 'block' || child.type === 'if_statement') return { construct: 'if', line: lineOf(n) };
        break;
      case 'for_statement':
        if (child.type === 'block') return { construct: 'loop', line: lineOf(n) };
        break;
      case 'expression_case':
      case 'type_case':
      case 'default_case':
        return { construct: 'switch', line: lineOf(n) };
      case 'communication_case':
        return { construct: 'select', line: lineOf(n) };
      case 'binary_expression': {
        const op = /(&&|\|\|)\s*$/.exec(file.text.slice(n.start, child.start));
        if (child.start > n.start && op) return { construct: op[1] as '&&' | '||', line: lineOf(n) };
        break;
      }
    }
  }
  return null;
}

/** The last `return` of function node `fn` (not of a closure inside it) that ends before offset `at`. */
function returnBefore(file: GoSourceFile, fn: NodeView, at: number, lineOf: (n: { start: number }) => number): Branch | null {
  const node = file.tree.rootNode.descendantForIndex(fn.start, fn.end - 1);
  const closures = node.descendantsOfType('func_literal').filter((l) => l.startIndex > fn.start && !(l.startIndex <= at && at < l.endIndex));
  let last: Parser.SyntaxNode | null = null;
  for (const r of node.descendantsOfType('return_statement')) {
    if (r.endIndex > at) break;
    if (!closures.some((l) => l.startIndex <= r.startIndex && r.endIndex <= l.endIndex)) last = r;
  }
  return last === null ? null : { construct: 'return', line: lineOf({ start: last.startIndex }) };
}

/**
 * The loop a value made at a Go position (1-based line, byte column) is kept past, through a
 * variable declared outside it: the 1-based line of the innermost `for` around the position whose
 * text does not declare `name`. Escape analysis puts such a value on the heap (it must outlive its
 * iteration). Null when no loop of the function is around the position, or `name` is declared in it.
 */
export function loopKeeping(file: GoSourceFile, line1: number, byteCol1: number, name: string): number | null {
  if (line1 < 1 || line1 > file.lines.lineCount || !/^[A-Za-z_]\w*$/.test(name)) return null;
  const at = file.lines.byteToOffset(line1, Math.max(1, byteCol1));
  for (const n of chainAt(walkOf(file), at)) {
    if (FUNCTION_TYPES.includes(n.type)) return null;
    if (n.type !== 'for_statement') continue;
    const text = file.text.slice(n.start, n.end);
    const declared = new RegExp(`(?:^|[^\\w.])${name}\\s*(?:,\\s*[A-Za-z_]\\w*\\s*)*:=|(?:^|[^\\w.])(?:[A-Za-z_]\\w*\\s*,\\s*)+${name}\\s*:=|\\bvar\\s+${name}\\b`);
    return declared.test(text) ? null : rowOf(file, n.start) + 1;
  }
  return null;
}

/** Node types that name something: tracking also compares their text. */
export const IDENTIFIER_TYPES: readonly string[] = ['identifier', 'field_identifier', 'type_identifier', 'package_identifier'];
const CALL_TYPES = ['call_expression', 'type_conversion_expression'];
const FUNCTION_TYPES = ['function_declaration', 'method_declaration', 'func_literal'];

/** Node types that answer each shape, most specific first. */
const SHAPE_TYPES: Record<NodeShape, readonly string[]> = {
  identifier: IDENTIFIER_TYPES,
  funcLiteral: ['func_literal'],
  address: ['unary_expression', 'composite_literal'],
  composite: ['composite_literal'],
  call: CALL_TYPES,
  selector: ['selector_expression'],
  binary: ['binary_expression'],
  variadic: ['argument_list'],
  funcName: FUNCTION_TYPES,
  token: [],
};

const IDENT_RE = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** The shape of the node a decision is about: its kind's, or for `escape.heap` and `noescape` its subject's (`make([]byte, n)` → call, `&Point{...}` → address). */
export function shapeOfDecision(d: CompilerDecision): NodeShape {
  const shape = decisionShape(d.kind);
  return shape === 'bySubject' ? shapeOfSubject(d.details.subject ?? '') : shape;
}

/** The shape of an expression as the compiler prints it (`func literal`, `... argument`, `p.X`, `w + ","`). */
export function shapeOfSubject(subject: string): NodeShape {
  const s = subject.trim();
  if (s === '') return 'token';
  if (s.startsWith('func literal')) return 'funcLiteral';
  if (s.startsWith('... argument')) return 'variadic';
  if (s.startsWith('&')) return 'address';
  if (s.endsWith('}')) return 'composite';
  if (IDENT_RE.test(s)) return s === 'append' ? 'call' : 'identifier';
  if (s.endsWith(')')) return 'call';
  if (/\s(?:\+|-|\*|\/|%|&|\||\^|<<|>>|&\^|==|!=|<|<=|>|>=|&&|\|\|)\s/.test(s)) return 'binary';
  if (/^[\p{L}_][\p{L}\p{N}_.]*\.[\p{L}_][\p{L}\p{N}_]*$/u.test(s)) return 'selector';
  return 'token';
}

/** A comparison key for source text and the compiler's rendering of it: no blanks, no parentheses, `{...}` bodies dropped. */
function textKey(s: string): string {
  return s.replace(/\{[^]*\}$/, '{}').replace(/[\s()]/g, '');
}

/** The callee part of a call-shaped text, as a key (`([]byte)(s)` → `[]byte`). */
function calleeKey(s: string): string {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' && depth === 0 && i > 0) return textKey(s.slice(0, i));
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
  }
  return textKey(s);
}

// Mapping reads the tree through one TreeCursor per file and keeps what it learns as plain data
// (`NodeView`): node-tree-sitter turns every node object that reaches JS into a cached wrapper
// (BigInt id, per-tree cache, updated by later edits), and walking `.parent` or
// `descendantsOfType` that way cost most of `heapscope check`'s own time on large packages.

/** A node as plain data: its type and UTF-16 range, plus what mapping needs to know about its children. */
interface NodeView {
  type: string;
  start: number;
  end: number;
  /** Where the compiler reports this node (see `reportedAt`); `start` for other types. */
  reported: number;
  /** The operator's type of a unary expression; null otherwise. */
  operator: string | null;
  /** The name of a function declaration (the `func` keyword of a literal); the callee of a call (the type of a conversion). */
  part: { type: string; start: number; end: number } | null;
}

/** A file's cursor and root, and the ancestor chains already computed (decisions often share a point). */
interface TreeWalk {
  tree: Parser.Tree;
  /** Stays on the root: `cursor.resetTo(atRoot)` rewinds. (`cursor.reset(node)` cannot be used:
   *  node-tree-sitter 0.25 does not marshal its argument and resets to whatever node was last.) */
  atRoot: Parser.TreeCursor;
  /** For walks that start at the root (line searches, leaves near a point). */
  cursor: Parser.TreeCursor;
  /** chainAt's own cursor: stays on the innermost node of `lastChain` (the root when it is empty). */
  chainCursor: Parser.TreeCursor;
  /** The chain chainAt found last, outermost first. */
  lastChain: NodeView[];
  chains: Map<number, NodeView[]>;
  /** nodesStartingOnRow's answers by type list and row (several decisions of a line search it). */
  rows: Map<readonly string[], Map<number, readonly NodeView[]>>;
}

const walks = new WeakMap<GoSourceFile, TreeWalk>();

/** The file's walk state, made again if the file's tree object changed. */
function walkOf(file: GoSourceFile): TreeWalk {
  const tree = file.tree;
  let w = walks.get(file);
  if (!w || w.tree !== tree) {
    w = { tree, atRoot: tree.walk(), cursor: tree.walk(), chainCursor: tree.walk(), lastChain: [], chains: new Map(), rows: new Map() };
    walks.set(file, w);
  }
  return w;
}

// Names by numeric id, learnt as met: the cursor gives a number cheaper than it makes a string.
const typeNames: string[] = [];
const fieldNames: Array<string | null> = [];

/** The type of the node under the cursor. */
function typeAt(c: Parser.TreeCursor): string {
  const id = c.nodeTypeId;
  return (typeNames[id] ??= c.nodeType);
}

/** The field name of the node under the cursor in its parent, or null. */
function fieldAt(c: Parser.TreeCursor): string | null {
  // node-tree-sitter 0.25 gives undefined (its .d.ts says number) when there is no field.
  const id = c.currentFieldId as number | undefined;
  if (!id) return null;
  let name = fieldNames[id];
  if (name === undefined) fieldNames[id] = name = (c.currentFieldName as string | null | undefined) ?? null;
  return name;
}

/**
 * Where the compiler reports a node of these types: at its child in `field`, or at its `token`
 * (a call at its arguments' `(`, a conversion at `(`, a selector at `.`, a literal at `{`, a
 * binary expression or assignment at its operator). Other types are reported at their start.
 */
const REPORTED_AT: ReadonlyMap<string, { field: string } | { token: string }> = new Map([
  ['call_expression', { field: 'arguments' }],
  ['type_conversion_expression', { token: '(' }],
  ['selector_expression', { token: '.' }],
  ['composite_literal', { field: 'body' }],
  ['binary_expression', { field: 'operator' }],
  ['index_expression', { token: '[' }],
  ['slice_expression', { token: '[' }],
  ['type_assertion_expression', { token: '.' }],
  ['assignment_statement', { field: 'operator' }],
  ['short_var_declaration', { field: 'operator' }],
]);

/** Node types whose children `viewHere` reads: those above, `&`/`*` expressions and functions. */
const DETAILED_TYPES = new Set([...REPORTED_AT.keys(), 'unary_expression', ...FUNCTION_TYPES]);

/** The node under the cursor as a NodeView; leaves the cursor where it was. */
function viewHere(c: Parser.TreeCursor): NodeView {
  const type = typeAt(c);
  const start = c.startIndex;
  const end = c.endIndex;
  const view: NodeView = { type, start, end, reported: start, operator: null, part: null };
  if (!DETAILED_TYPES.has(type) || !c.gotoFirstChild()) return view;
  const rule = REPORTED_AT.get(type);
  const isFunction = FUNCTION_TYPES.includes(type);
  let index = 0;
  let found = false;
  do {
    const field = fieldAt(c);
    const ct = typeAt(c);
    if (rule && !found && ('field' in rule ? field === rule.field : ct === rule.token)) {
      view.reported = c.startIndex;
      found = true;
    } else if (rule && !found && index === 1 && (type === 'assignment_statement' || type === 'short_var_declaration')) {
      // Until the operator is met: the second child (an assignment without one parsed).
      view.reported = c.startIndex;
    } else if (((type === 'call_expression' && field === 'function') || (type === 'type_conversion_expression' && field === 'type')) && !view.part) {
      view.part = { type: ct, start: c.startIndex, end: c.endIndex };
    } else if (type === 'unary_expression' && field === 'operator' && view.operator === null) {
      view.operator = ct;
    } else if (isFunction && (field === 'name' || index === 0)) {
      // Functions: the name field, else the first child (`func` of a literal).
      view.part = { type: ct, start: c.startIndex, end: c.endIndex };
    }
    index++;
  } while (c.gotoNextSibling());
  c.gotoParent();
  return view;
}

/**
 * The smallest node containing offset `at` and its ancestors, innermost first, up to (not
 * including) the source file: what `descendantForIndex(at)` and `.parent` give, read with the
 * cursor. Leaves `w.chainCursor` on the innermost node.
 *
 * Decisions come in position order, so the previous point's chain usually shares most of its
 * ancestors with this one: the walk climbs from the previous innermost node to the nearest
 * ancestor containing `at` and descends from there. A descent from the root passes through the
 * same ancestors (each level takes the first child ending after `at`; siblings do not overlap, so
 * that is the one containing `at`), so the answer is the same, read with fewer calls.
 */
function chainAt(w: TreeWalk, at: number): NodeView[] {
  const c = w.chainCursor;
  const outerFirst = w.lastChain;
  while (outerFirst.length > 0) {
    const n = outerFirst[outerFirst.length - 1]!;
    if (n.start <= at && at < n.end) break;
    outerFirst.pop();
    c.gotoParent();
  }
  while (gotoChildEndingAfter(c, at)) {
    // The cursor takes the first child ending after `at`; one starting after it (`at` is in a
    // gap between children) does not contain the point, so the parent is the answer.
    if (c.startIndex > at) {
      c.gotoParent();
      break;
    }
    outerFirst.push(viewHere(c));
  }
  return outerFirst.slice().reverse();
}

/** The chain at `at`, computed once per point and file. */
function cachedChainAt(w: TreeWalk, at: number): NodeView[] {
  let chain = w.chains.get(at);
  if (!chain) {
    chain = chainAt(w, at);
    w.chains.set(at, chain);
  }
  return chain;
}

/** The whole file as a NodeView, for the rare decision that no token is near. */
function rootView(file: GoSourceFile): NodeView {
  return { type: 'source_file', start: 0, end: file.text.length, reported: 0, operator: null, part: null };
}

/** Whether node `n` is what the shape asks for (beyond its type). */
function fitsShape(n: NodeView, shape: NodeShape): boolean {
  if (!SHAPE_TYPES[shape].includes(n.type)) return false;
  if (shape === 'address' && n.type === 'unary_expression') return n.operator === '&';
  return true;
}

/** The 0-based row of a UTF-16 offset, as tree-sitter counts rows. */
function rowOf(file: GoSourceFile, offset: number): number {
  return file.lines.positionAt(offset).line;
}

/** The node a decision is about, by the numbered rules below; always a real (non-empty) node. */
function nodeForDecision(file: GoSourceFile, d: CompilerDecision, atInlinedCall: boolean): NodeView {
  const lines = file.lines;
  const row = Math.max(0, Math.min(d.pos.line - 1, lines.lineCount - 1));
  const at = lines.byteToOffset(d.pos.line, d.pos.column);
  const w = walkOf(file);
  const shape = shapeOfDecision(d);
  const subject = d.details.subject ?? '';
  const text = file.text;

  if (d.pos.column > 0) {
    const chain = cachedChainAt(w, at);
    const leaf = chain[0];
    // 0. At an inlined call, the call (a `...` slice is still its argument list).
    const inlinedCall = atInlinedCall && shape !== 'variadic' && shape !== 'funcName' ? expressionReportedAt(chain, at) : null;
    if (inlinedCall && CALL_TYPES.includes(inlinedCall.type)) return inlinedCall;
    if (shape === 'funcName') {
      const fn = chain.find((n) => FUNCTION_TYPES.includes(n.type));
      if (fn && rowOf(file, fn.start) === row) return fn.part ? { ...fn.part, reported: fn.part.start, operator: null, part: null } : fn;
    } else if (shape === 'identifier') {
      if (leaf && IDENTIFIER_TYPES.includes(leaf.type) && (!subject || !IDENT_RE.test(subject) || text.slice(leaf.start, leaf.end) === subject)) return leaf;
    } else if (shape === 'composite' && chain[1]?.type === 'literal_value' && chain[1].start === at && (chain[2]?.type === 'literal_element' || chain[2]?.type === 'keyed_element')) {
      // An element whose type is elided (`{"a": 1}` in `[]map[string]any{{"a": 1}}`) is reported at
      // its `{`: that literal, not the outer one whose text the subject also reads like
      // (mapstructure v2.5.0 mapstructure_benchmark_test.go:191-192: two findings on the outer range).
      return chain[1];
    } else if (shape !== 'token') {
      // 1. A node of the right shape that the compiler reports at exactly this point.
      const i = chain.findIndex((n) => fitsShape(n, shape) && n.reported === at);
      const reported = i >= 0 ? chain[i] : undefined;
      // `&T{...}` reported at its `{` is still about the whole `&` expression.
      const parent = chain[i + 1];
      if (reported && shape === 'address' && reported.type === 'composite_literal' && parent && fitsShape(parent, 'address')) return parent;
      // 2. An enclosing node of the right shape whose text is the subject (`string(b)` is
      //    reported at `b` when the converted value escapes; `string(append(b, s...))` at the
      //    `(` of its operand, which is a call too: decimal v1.6.0 decimal.go:1232).
      const key = textKey(subject);
      if (reported && (!subject || textKey(text.slice(reported.start, reported.end)) === key)) return reported;
      const same = subject ? chain.find((n) => fitsShape(n, shape) && textKey(text.slice(n.start, n.end)) === key) : undefined;
      if (same) return same;
      if (reported) return reported;
      // 3. Conversions are reported at their operand (`[]byte(s)` at `s`): the nearest enclosing
      //    call with the same callee; Go ≥ 1.22 may print constants in the arguments as values.
      //    Without a subject (`zero-copy string->[]byte conversion`), the innermost call on the line.
      if (shape === 'call') {
        const callee = subject ? calleeKey(subject) : null;
        const call = chain.find((n) => CALL_TYPES.includes(n.type) && rowOf(file, n.start) === row && (callee === null || calleeKey(text.slice(n.start, n.end)) === callee));
        if (call) return call;
      }
    }
  }
  // 4. No column, or nothing at the point: the node of the right shape on the line whose text is
  //    the subject, nearest to the point.
  //    `X escapes to heap` is about a use, which follows the declarations on a line: search from
  //    the line's end for it when there is no column.
  const from = d.pos.column <= 0 && d.kind === 'escape.heap' ? lines.lineEnd(row) : at;
  const onLine = subject || d.details.func ? searchLine(file, row, from, shape, subject, d.details.func) : null;
  if (onLine) return onLine;
  // 5. The expression the compiler reports at the point, whatever the subject says: a string
  //    literal at its `"`, a selector at `.` (`time.Second` printed as its value), an inlined call
  //    at its `(` (the subject is in the callee's body), `b[0:10]` at `[`, `a + b` at `+`.
  if (d.pos.column > 0) {
    const reported = expressionReportedAt(cachedChainAt(w, at), at);
    if (reported) return reported;
  }
  // 6. The token at the point, else the nearest token on the line.
  return tokenNear(file, at);
}

/** Expressions a decision can be about when its subject does not name one (see `expressionReportedAt`). */
const EXPRESSION_TYPES = new Set([
  ...CALL_TYPES,
  'selector_expression',
  'index_expression',
  'slice_expression',
  'type_assertion_expression',
  'composite_literal',
  'literal_value',
  'binary_expression',
  'unary_expression',
  'interpreted_string_literal',
  'raw_string_literal',
  'func_literal',
  'parenthesized_expression',
  'int_literal',
  'float_literal',
  'imaginary_literal',
  'rune_literal',
  ...IDENTIFIER_TYPES,
]);

/**
 * The innermost expression in `chain` (innermost first) that the compiler reports at offset `at`:
 * never a bare token. A `{...}` body counts only when it is an element's literal with its type
 * elided (`[]T{{1, 2}}`); otherwise its composite literal, reported at the same `{`, is the answer.
 */
function expressionReportedAt(chain: readonly NodeView[], at: number): NodeView | null {
  for (let i = 0; i < chain.length; i++) {
    const n = chain[i]!;
    if (!EXPRESSION_TYPES.has(n.type) || n.reported !== at) continue;
    if (n.type === 'literal_value' && chain[i + 1]?.type !== 'literal_element') continue;
    return n;
  }
  return null;
}

/** A node found on a line: its type, UTF-16 range in the file's text, and where the compiler reports it (REPORTED_AT: a binary expression's or an assignment's operator). */
export interface LineNode {
  type: string;
  start: number;
  end: number;
  reported: number;
  /** A call's callee (a conversion's type); null for other types. */
  part: { start: number; end: number } | null;
}

/** Nodes of the given types (a constant list: it keys a cache) that start on 1-based line `line1`, in document order; a cursor walk over the line only. */
export function nodesOnLine(file: GoSourceFile, line1: number, types: readonly string[]): readonly LineNode[] {
  return nodesStartingOnRow(file, line1 - 1, types);
}

const ARGUMENT_LIST_TYPES: readonly string[] = ['argument_list'];

/** Nodes of the given types (one of the constant lists: they key a cache) that start on 0-based line `row`, in document order (a cursor walk over the line only, once per line and types). */
function nodesStartingOnRow(file: GoSourceFile, row: number, types: readonly string[]): readonly NodeView[] {
  const w = walkOf(file);
  let byRow = w.rows.get(types);
  if (byRow === undefined) w.rows.set(types, (byRow = new Map()));
  let found = byRow.get(row);
  if (found === undefined) byRow.set(row, (found = walkRow(file, w, row, types)));
  return found;
}

function walkRow(file: GoSourceFile, w: TreeWalk, row: number, types: readonly string[]): NodeView[] {
  const c = w.cursor;
  const lineStart = file.lines.lineStart(row);
  const nextLine = row + 1 < file.lines.lineCount ? file.lines.lineStart(row + 1) : file.text.length + 1;
  const out: NodeView[] = [];
  // Pre-order over the nodes overlapping the line: children ending before it are skipped by
  // gotoFirstChildForIndex, siblings starting after it end the loop.
  const visit = (): void => {
    const start = c.startIndex;
    if (start >= lineStart && types.includes(typeAt(c))) out.push(viewHere(c));
    if (!gotoChildEndingAfter(c, lineStart)) return;
    do {
      if (c.startIndex >= nextLine) break;
      visit();
    } while (c.gotoNextSibling());
    c.gotoParent();
  };
  c.resetTo(w.atRoot);
  visit();
  return out;
}

/** A node of `shape` on 0-based line `row` whose text matches the subject (or the function name), nearest to offset `at`. */
function searchLine(file: GoSourceFile, row: number, at: number, shape: NodeShape, subject: string, func: string | undefined): NodeView | null {
  const text = file.text;
  let types = SHAPE_TYPES[shape];
  let want = textKey(subject);
  const funcName = (func ?? subject).split('.').pop() ?? '';
  if (shape === 'funcName') {
    types = IDENTIFIER_TYPES;
    want = funcName;
  } else if (shape === 'call' && !subject && funcName) {
    // `inlining call to fmt.Println` without a column: a call on the line whose callee ends in the name.
    const calls = nodesStartingOnRow(file, row, CALL_TYPES).filter((n) => (n.part && n.type === 'call_expression' ? text.slice(n.part.start, n.part.end).split('.').pop() : '') === funcName);
    calls.sort((x, y) => Math.abs(x.reported - at) - Math.abs(y.reported - at));
    return calls[0] ?? null;
  } else if (shape === 'variadic') {
    // `... argument` names no call: only an unambiguous one (a single call on the line) will do.
    const lists = nodesStartingOnRow(file, row, ARGUMENT_LIST_TYPES);
    return lists.length === 1 ? lists[0]! : null;
  } else if (shape === 'token') {
    types = IDENTIFIER_TYPES;
  }
  if (!want) return null;
  const found = nodesStartingOnRow(file, row, types)
    .filter((n) => shape !== 'address' || fitsShape(n, shape))
    .filter((n) => (shape === 'funcName' || IDENTIFIER_TYPES.includes(n.type) ? text.slice(n.start, n.end) === want : textKey(text.slice(n.start, n.end)) === want));
  found.sort((x, y) => Math.abs(x.start - at) - Math.abs(y.start - at));
  return found[0] ?? null;
}

/** The non-empty token containing `at`, else the next token on its line, else the previous one, else the nearest in the file. */
function tokenNear(file: GoSourceFile, at: number): NodeView {
  const row = rowOf(file, at);
  const here = firstLeafEndingAfter(file, at);
  if (here && here.start <= at) return here;
  if (here && rowOf(file, here.start) === row) return here;
  const before = lastLeafStartingBefore(file, at);
  if (before && rowOf(file, before.end) === row) return before;
  return here ?? before ?? rootView(file);
}

/** The first non-empty leaf whose end lies after `at` (it contains `at` or starts after it). */
function firstLeafEndingAfter(file: GoSourceFile, at: number): NodeView | null {
  const w = walkOf(file);
  const c = w.cursor;
  c.resetTo(w.atRoot);
  let depth = 0;
  for (;;) {
    if (!gotoChildEndingAfter(c, at)) {
      // A leaf, or a node none of whose children ends after `at`.
      if (c.gotoFirstChild()) return null;
      return depth > 0 ? viewHere(c) : null;
    }
    depth++;
    // Skip zero-width (missing) nodes and children that end exactly at `at`.
    while (c.endIndex <= at || c.endIndex === c.startIndex) if (!c.gotoNextSibling()) return null;
  }
}

/** The last non-empty leaf that starts before `at`. */
function lastLeafStartingBefore(file: GoSourceFile, at: number): NodeView | null {
  const w = walkOf(file);
  const c = w.cursor;
  c.resetTo(w.atRoot);
  let depth = 0;
  for (;;) {
    if (gotoChildEndingAfter(c, at)) {
      if (c.startIndex >= at && !c.gotoPreviousSibling()) return null;
    } else if (!c.gotoLastChild()) {
      return depth > 0 ? viewHere(c) : null;
    }
    depth++;
    while (c.startIndex >= at || c.endIndex === c.startIndex) if (!c.gotoPreviousSibling()) return null;
  }
}
