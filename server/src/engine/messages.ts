// Plain-language messages for compiler decisions. The compiler's exact text is always kept next
// to these (Finding.compiler); this module only explains it in words a Go developer acts on.
import type { CompilerDecision, CompilerPos, Explanation, FlowEdge, FlowStep, RelatedLocation } from './types';

/** Wraps code in backticks for messages, in the user's words (plainCode). */
function code(text: string): string {
  return '`' + plainCode(text).replace(/`/g, "'") + '`';
}

// The compiler's internal names, in the user's words. One table: each name has its prose (where a
// sentence names it: "the heap", "a temporary") and its code form (inside backticks, where only Go
// may stand: an elided part, `…`). Tested against the recorded output of every supported release.

/** The Go types a shape type `go.shape.T` keeps as written: T is then the type argument's underlying type. */
const BASIC_SHAPES = /^(?:bool|string|u?int(?:8|16|32|64)?|uintptr|float(?:32|64)|complex(?:64|128)|byte|rune)$/;

/** Ordinals for results: `~r1` is the second result. */
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];

/** Where a name stands: its function (for results, Go ≥ 1.25 names it), and whether a result is that function's own. */
export interface NameContext {
  func?: string | null;
  /** A `~rN` here is the result of `func` (the last flow of a block, a leak header's destination), not of an inlined call. */
  ownResult?: boolean;
}

/** The table: a compiler name (the whole text) → its prose; null when the text is not one of them. */
const INTERNAL_NAMES: ReadonlyArray<{ pattern: RegExp; prose: (m: RegExpExecArray, ctx: NameContext) => string }> = [
  { pattern: /^\{heap\}$/, prose: () => 'the heap' },
  { pattern: /^\*?\{temp\}$/, prose: () => 'a temporary' },
  { pattern: /^\.autotmp_\d+$/, prose: () => 'a temporary' },
  { pattern: /^\{storage for func literal\}$/, prose: () => 'the memory of the closure' },
  { pattern: /^\{storage for \.\.\. argument\}$/, prose: () => 'the memory of the variadic arguments' },
  { pattern: /^\{storage for (.*)\}$/s, prose: (m) => `the memory of ${code(m[1] ?? '')}` },
  { pattern: /^~[rR](\d+)$/, prose: (m, ctx) => resultName(Number(m[1]), ctx) },
  { pattern: /^#state\d*$/, prose: () => "the loop's state" },
  { pattern: /^#rv\d*$/, prose: () => 'the value the loop returns' },
  { pattern: /^#\w+$/, prose: () => "the loop's state" },
  { pattern: /^~[a-z]\d+$/, prose: () => 'an unnamed parameter' },
  { pattern: /^<node unsafe\.(\w+)>$/, prose: (m) => code(`unsafe.${m[1]}(…)`) },
  { pattern: /^<node \w+>$/, prose: () => 'a value the compiler made' },
  { pattern: /^func literal$/, prose: () => 'the closure' },
  { pattern: /^\.\.\. argument$/, prose: () => 'the variadic arguments' },
];

/** `~rN` in words: "the result of `F`", "`F`'s second result"; an inlined call's result when it is not F's own. */
function resultName(n: number, ctx: NameContext): string {
  const ordinal = ORDINALS[n] ?? `result #${n + 1}`;
  if (!ctx.ownResult) return n === 0 ? "a call's result" : `a call's ${ordinal} result`;
  if (!ctx.func) return n === 0 ? "the function's result" : `the function's ${ordinal} result`;
  return n === 0 ? `the result of ${code(ctx.func)}` : `${code(ctx.func)}'s ${ordinal} result`;
}

/** A name or expression of the compiler's in prose: a table entry's words, else the expression as code. */
export function plainName(text: string, ctx: NameContext = {}): string {
  // An inlined or instantiated body's names are qualified by their package: `samename.~r0`.
  const address = text.startsWith('&');
  const t = (address ? text.slice(1) : text).replace(/^\w+\.(?=[~#.])/, '');
  for (const { pattern, prose } of INTERNAL_NAMES) {
    const m = pattern.exec(t);
    if (m) return address ? `the address of ${prose(m, ctx)}` : prose(m, ctx);
  }
  return code(text);
}

/** The end of a shape type's text from `start` (after `go.shape.`): balanced brackets, `struct {…}` and `interface {…}` included. */
function shapeEnd(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i] as string;
    // At the top level, braces open only a struct or interface type and parentheses a func type (`go.shape.int(x)` is a conversion).
    const opens = c === '[' || (depth > 0 && (c === '(' || c === '{')) || (c === '{' && /(?:struct|interface) ?$/.test(s.slice(start, i))) || (c === '(' && /func$/.test(s.slice(start, i)));
    if (opens) depth++;
    else if (depth === 0 && (c === '{' || c === '(')) return i;
    else if (c === ']' || c === ')' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && (c === ',' || c === ';')) return i;
    else if (depth === 0 && c === ' ' && !/(?:struct|interface|func|chan)$/.test(s.slice(start, i))) return i;
  }
  return s.length;
}

/** A shape type in code: the type itself for basic underlying types, else an elided type argument. */
function plainShapes(s: string): string {
  // Instantiations `objects[go.shape.*uint8]` read as the user wrote them: `objects`.
  let out = s.replace(/(\w)\[([^[\]]*go\.shape\.[^[\]]*(?:\[[^[\]]*\][^[\]]*)*)\]/g, (all, before: string) => (/\bmap$/.test(s.slice(0, s.indexOf(all) + 1)) ? all : before));
  for (let i = out.indexOf('go.shape.'); i >= 0; i = out.indexOf('go.shape.', i)) {
    const end = shapeEnd(out, i + 9);
    const shape = out.slice(i + 9, end);
    const plain = BASIC_SHAPES.test(shape) ? shape : shape.startsWith('*') ? '*…' : '…';
    out = out.slice(0, i) + plain + out.slice(end);
    i += plain.length;
  }
  return out;
}

/** An expression of the compiler's as code the user reads: internal names elided (`…`), shape types as written. */
export function plainCode(expr: string): string {
  if (!/[~{#<]|\.autotmp_|go\.shape\.|func literal|\.\.\. argument|\.\.dict/.test(expr)) return expr;
  let out = expr.includes('go.shape.') ? plainShapes(expr) : expr;
  out = out.replace(/\{storage for ((?:[^{}]|\{[^{}]*\})*)\}/g, '$1');
  out = out.replace(/<node unsafe\.(\w+)>/g, 'unsafe.$1(…)');
  out = out.replace(/\.\.\. argument(?:\.\.\.)?/g, '…').replace(/\bfunc literal\b/g, 'func(…) {…}');
  // A generic body's dictionary (`samename..dict`, `&samename..dict.Entry[string]`) and package-qualified internal names go whole.
  out = out.replace(/&?(?:\w+\.)?\.dict(?:\.\w+(?:\[[^\]]*\])?)?/g, '…');
  out = out.replace(/(?:\b\w+\.)?(?:<node \w+>|\{heap\}|\{temp\}|~[a-zA-Z]\d+\b|\.autotmp_\d+|#\w+)/g, '…');
  return out;
}

/** The callee of a call expression as the compiler prints it: `fmt.Sprintf("%d", ...)` → `fmt.Sprintf`. */
export function calleeOf(expr: string): string | null {
  const text = plainCode(expr).trim();
  if (!text.endsWith(')')) return null;
  // Walk back to the '(' that matches the final ')': method expressions print as
  // `(*sync.WaitGroup).Add(wg, 1)`, so the first '(' is not the call's.
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) {
      const callee = text.slice(0, i).trim();
      return /^[\w.*()[\]]+$/.test(callee) && /\w/.test(callee) ? callee : null;
    }
  }
  return null;
}

function where(pos: CompilerPos | null, from: CompilerPos): string {
  if (!pos) return '';
  if (pos.file !== from.file) {
    const base = pos.file.split(/[\\/]/).pop() ?? pos.file;
    return ` at ${base}:${pos.line}`;
  }
  return ` at line ${pos.line}`;
}

/** How a flow step reads, for one reason the compiler gives in parentheses (`from &p (address-of) at …`). */
interface StepWording {
  /** The numbered step in hovers and related information; without it, the compiler's reason as printed. */
  step?: string | ((step: FlowStep) => string);
  /**
   * Why the value escapes, for the one-line message, when this step is the one closest to where
   * the value ends up that says so; null or absent when the step does not say (an earlier one is tried).
   * `it` is `its address` when the address travels, `at` where the step happens (` at line 12`).
   */
  why?: (it: string, at: string, edge: FlowEdge, step: FlowStep) => string | null;
}

/** The one table of step wordings, by the compiler's reason. */
const STEP_WORDINGS: Readonly<Record<string, StepWording>> = {
  'address-of': { step: 'its address is taken' },
  return: { step: 'it is returned', why: (it, at) => `${it} is returned${at}` },
  spill: { step: 'it is stored in a temporary' },
  'call parameter': {
    step: (step) => {
      const callee = calleeOf(step.expr);
      return callee ? `it is passed to ${code(callee)}` : 'it is passed as an argument to a function value';
    },
    why: (it, at, edge, step) => {
      const callee = calleeOf(step.expr);
      const target = edge.to === '{heap}' ? 'which lets it escape' : 'which keeps it';
      return callee ? `${it} is passed to ${code(callee)}${at}, ${target}` : `${it} is passed as an argument to a function value${at}, ${target}`;
    },
  },
  assign: { step: 'it is assigned', why: storedInHeap },
  'assign-pair': { step: 'it is assigned', why: storedInHeap },
  'captured by a closure': { step: 'it is captured by a closure', why: (_it, at) => `it is captured by a closure${at}` },
  reference: { step: 'it is referenced' },
  'slice-literal-element': { step: 'it is put in a slice literal', why: (_it, at) => `it is put into a slice literal${at}` },
  'slice-element': { step: 'it is stored in a slice', why: (_it, at) => `it is stored in a slice${at}` },
  'array-element': { step: 'it is stored in an array', why: (_it, at) => `it is stored in an array${at}` },
  'struct literal element': { step: 'it is stored in a struct literal', why: (_it, at) => `it is stored in a struct literal${at}` },
  'struct-literal-element': { why: (_it, at) => `it is stored in a struct literal${at}` },
  'interface-converted': { step: 'it is converted to an interface', why: (_it, at) => `it is converted to an interface${at}` },
  'key of map put': { step: 'it is used as a map key', why: (_it, at) => `it is used as a map key${at}` },
  'value of map put': { step: 'it is stored in a map', why: (_it, at) => `it is stored in a map${at}` },
  'range-deref': { step: 'a range loop reads through it' },
  dot: { step: 'a field is selected' },
  'dot-equals': { step: 'a field is assigned' },
  'star-dot-equals': { step: 'a field is assigned through a pointer' },
  indirection: { step: 'it is dereferenced' },
  'too large for stack': { step: 'it is too large for the stack', why: () => 'it is too large for the stack' },
  'non-constant size': { step: 'its size is not known at compile time', why: () => 'its size is not known at compile time' },
  'go func': { why: usedByGoroutine },
  'call to go': { why: usedByGoroutine },
  'defer func': { why: (_it, at) => `it is used by a deferred call${at}` },
};

/** An assignment says why only when it stores into the heap. */
function storedInHeap(it: string, at: string, edge: FlowEdge): string | null {
  return edge.to === '{heap}' ? `${it} is stored in heap memory${at}` : null;
}

function usedByGoroutine(_it: string, at: string): string {
  return `it is used by a goroutine${at}`;
}

/** The wording of a reason; undefined for reasons the table does not know (printed as they are). */
function wordingOf(reason: string): StepWording | undefined {
  return Object.hasOwn(STEP_WORDINGS, reason) ? STEP_WORDINGS[reason] : undefined;
}

/** Why a value escapes, from the step of the chain that is closest to where it ends up. */
function reasonFromStep(step: FlowStep, edge: FlowEdge, at: CompilerPos): string | null {
  const why = wordingOf(step.reason)?.why;
  if (why === undefined) return null;
  // `flow: ~r0 ← &x` means the address of x travels, not a copy of its value.
  const it = edge.from.startsWith('&') && !edge.from.startsWith('&{storage for') ? 'its address' : 'it';
  return why(it, where(step.pos, at), edge, step);
}

/** Describes where a flow ends: `~r0` (a result), `{heap}`, a closure's storage, a variable. */
function describeSink(to: string): string {
  if (/^~r\d+$/.test(to) || /^~R\d+$/.test(to)) return 'it is returned';
  if (to === '{heap}') return 'it reaches the heap';
  if (to.startsWith('{storage for func literal}')) return 'it is captured by a closure that escapes';
  if (to.startsWith('{storage for ... argument}')) return 'it is passed as a variadic argument that escapes';
  return `it flows into ${plainName(to)}, which escapes`;
}

/** The most telling reason across an explanation's chain, or null when there is no chain. */
export function escapeReason(explanations: readonly Explanation[], at: CompilerPos): string | null {
  for (const ex of explanations) {
    // The compiler prints the edges from the value towards where it ends up; the last edge's
    // steps say what finally lets it out, so search from the end.
    for (let i = ex.flows.length - 1; i >= 0; i--) {
      const edge = ex.flows[i] as FlowEdge;
      for (let j = edge.steps.length - 1; j >= 0; j--) {
        const r = reasonFromStep(edge.steps[j] as FlowStep, edge, at);
        if (r) return r;
      }
    }
    const last = ex.flows[ex.flows.length - 1];
    if (last) {
      const step = last.steps[last.steps.length - 1];
      return describeSink(last.to) + (step ? where(step.pos, at) : '');
    }
    if (/non-constant size/.test(ex.header)) return 'its size is not known at compile time';
    if (/too large for stack/.test(ex.header)) return 'it is too large for the stack';
  }
  return null;
}

function subjectOf(d: CompilerDecision): string {
  return d.details.subject ?? d.text;
}

/** Plain words for why a function cannot be inlined. */
function inlineRefusal(reason: string | undefined, cost?: number, budget?: number): string {
  if (cost !== undefined && budget !== undefined) return `its cost ${cost} exceeds the budget of ${budget}`;
  if (!reason) return 'the compiler gave no reason';
  if (/unhandled op GO\b/.test(reason)) return `it starts a goroutine (${reason})`;
  if (/unhandled op DEFER\b/.test(reason)) return `it defers a call (${reason})`;
  if (/unhandled op (RANGE|FOR|SELECT|CLOSURE|RECOVER)/.test(reason)) return `it contains a statement the inliner does not handle (${reason})`;
  if (/marked go:noinline/.test(reason)) return 'it is marked //go:noinline';
  if (/recursive/.test(reason)) return 'it is recursive';
  return reason;
}

/** The one-line message for a decision. */
export function decisionMessage(d: CompilerDecision): string {
  const subject = subjectOf(d);
  // The reason reads the explanation's flows (parsed on first read): only the escape kinds use it.
  // Without one (the compiler gave none, or ran without -m=2) the message says nothing more.
  const because = (): string => {
    const why = escapeReason(d.explanations, d.pos);
    return why ? `: ${why}` : '';
  };
  switch (d.kind) {
    case 'escape.moved':
      return `${code(subject)} is moved to the heap${because()}`;
    case 'escape.heap': {
      // Go 1.25+ prints `append escapes to heap` for the backing array append allocates.
      if (subject === 'append') return `the backing array grown by this \`append\` is allocated on the heap${because()}`;
      const note = d.details.note ? `: ${d.details.note === 'non-constant size' ? 'its size is not known at compile time' : d.details.note}` : '';
      return `${code(subject)} is allocated on the heap${note || because()}`;
    }
    case 'escape.closure':
      return `this closure is allocated on the heap, with the variables it captures${because()}`;
    case 'noescape':
      return `${code(subject)} does not escape: it stays on the stack`;
    case 'noescape.zerocopy':
      return 'this conversion shares memory with its operand: no copy, no allocation';
    case 'leak.param': {
      const dest = leakDestination(d.explanations);
      return `parameter ${code(subject)} leaks${dest}: callers must heap-allocate what they pass to it`;
    }
    case 'leak.content':
      return `what parameter ${code(subject)} points to leaks${leakDestination(d.explanations)}; the parameter itself does not`;
    case 'leak.result': {
      const level = d.details.level !== undefined && d.details.level > 0 ? ` (through ${d.details.level} dereference${d.details.level > 1 ? 's' : ''})` : '';
      const result = d.details.result ?? '';
      const n = /^~r(\d+)$/.exec(result);
      const to = n ? (n[1] === '0' ? 'its result' : `its ${ORDINALS[Number(n[1])] ?? `#${Number(n[1]) + 1}`} result`) : result ? `result ${code(result)}` : 'a result';
      return `parameter ${code(subject)} flows to ${to}${level}: whether it escapes is decided at each call site`;
    }
    case 'leak.closure':
      return `closure reference ${code(subject)} leaks`;
    case 'capture.ref': {
      const why2 = d.details.assign ? 'it is assigned after being captured' : d.details.addr ? 'its address is taken' : 'it is too large to copy';
      return `${code(subject)} is captured by reference by a closure${d.details.func ? ` in ${code(d.details.func)}` : ''}: ${why2}`;
    }
    case 'capture.value':
      return `${code(subject)} is captured by value (copied${d.details.width !== undefined ? `, ${d.details.width} bytes` : ''}) by a closure${d.details.func ? ` in ${code(d.details.func)}` : ''}`;
    case 'inline.can': {
      const cost = d.details.cost !== undefined ? ` (cost ${d.details.cost}${d.details.budget !== undefined ? ` of ${d.details.budget}` : ''})` : '';
      return `${code(d.details.func ?? subject)} can be inlined${cost}`;
    }
    case 'inline.cannot':
      return `${code(d.details.func ?? subject)} cannot be inlined: ${inlineRefusal(d.details.reason, d.details.cost, d.details.budget)}`;
    case 'inline.call':
      return `the call to ${code(d.details.func ?? subject)} is inlined here`;
    case 'devirtualize':
      return `the interface call ${code(d.details.func ?? subject)} is turned into a direct call${d.details.target ? ` to ${code(d.details.target)}` : ''}`;
    case 'loopvar.heap':
      return `loop variable ${code(subject)} is per-iteration (Go 1.22+) and heap-allocated on every iteration`;
    case 'loopvar.stack':
      return `loop variable ${code(subject)} is per-iteration (Go 1.22+) and stays on the stack`;
    case 'other.keptalive':
      return `${code(subject)} is kept alive by b.Loop so the benchmark's work is not optimised away`;
    case 'other':
      return d.text;
  }
}

function leakDestination(explanations: readonly Explanation[]): string {
  for (const ex of explanations) {
    const to = leakHeaderDestination(ex);
    if (to === null) continue;
    if (to === '{heap}') return ' to the heap';
    if (to.startsWith('{storage for func literal}')) return ' to a closure';
    if (/^~r\d+$/.test(to)) return ' to a result';
    return ` to ${plainName(to)}`;
  }
  return '';
}

/** The destination a `parameter p leaks to DEST[ for f] with derefs=N` header names; null for other headers. */
function leakHeaderDestination(ex: Explanation): string | null {
  const m = /leaks to (.+?)(?: for .+?)?(?: with derefs=(-?\d+))?$/s.exec(ex.header);
  if (!m || !ex.header.startsWith('parameter ')) return null;
  const to = m[1] ?? '';
  // `{storage for …}` may itself hold " for ": take the braces whole.
  if (to.startsWith('{')) {
    const inner = /^leaks to (\{.*\})(?: for |$| with )/s.exec(ex.header.slice(ex.header.indexOf('leaks to ')));
    return inner?.[1] ?? to;
  }
  return to;
}

/** A block's headline: what it explains, in which function (named from Go 1.25). */
function blockTitle(ex: Explanation): string | null {
  if (ex.header === '') return null;
  const inFunc = ex.func ? ` in ${code(ex.func)}` : '';
  if (ex.header.startsWith('parameter ')) {
    const name = ex.header.slice(10, ex.header.indexOf(' leaks to '));
    const to = leakHeaderDestination(ex) ?? '';
    const what = (ex.derefs ?? 0) > 0 ? `what parameter ${code(name)} points to` : `parameter ${code(name)}`;
    return `${what} leaks to ${plainName(to, { func: ex.func, ownResult: true })}${inFunc}`;
  }
  const e = ex.header.lastIndexOf(' escapes to heap');
  const subject = e > 0 ? ex.header.slice(0, e) : ex.header;
  return `${subject === 'func literal' ? 'the closure' : code(subject)} escapes to the heap${inFunc}`;
}

/** A flow step in words: `its address is taken: \`&p\``; an expression that is only an internal name in prose. */
export function stepWords(step: FlowStep): string {
  const wording = wordingOf(step.reason)?.step;
  const words = wording === undefined ? step.reason : typeof wording === 'string' ? wording : wording(step);
  const expr = plainName(step.expr);
  return `${words}: ${expr.startsWith('`') ? expr : expr.replace(/^a call's/, "an inlined call's")}`;
}

/**
 * The explanation as steps, each pointing at its location. Each block (one flow of the value to
 * where it escapes) is its own list: a line naming it (what escapes, in which function; "flow k of
 * n:" when there are several), then its steps numbered from 1. A step ends with where its edge
 * leads (`→ the heap`). The first line of a block is the only one not starting with a number.
 */
export function explanationSteps(d: CompilerDecision): RelatedLocation[] {
  const steps: RelatedLocation[] = [];
  const blocks = d.explanations;
  for (const [b, ex] of blocks.entries()) {
    const title = blockTitle(ex);
    const count = blocks.length > 1 ? `flow ${b + 1} of ${blocks.length}` : null;
    if (title !== null || count !== null) {
      const text = count === null ? (title as string) : title === null ? count : `${count}: ${title}`;
      steps.push({ file: d.pos.file, line: d.pos.line, column: d.pos.column, message: text.charAt(0).toUpperCase() + text.slice(1) });
    }
    let n = 0;
    for (const [e, edge] of ex.flows.entries()) {
      // The last edge ends where the value escapes: a `~rN` there is the function's own result.
      const into = edge.to ? ` → ${plainName(edge.to, { func: ex.func, ownResult: e === ex.flows.length - 1 })}` : '';
      for (const [i, step] of edge.steps.entries()) {
        const pos = step.pos ?? d.pos;
        n++;
        steps.push({ file: pos.file, line: pos.line, column: pos.column, message: `${n}. ${stepWords(step)}${i === edge.steps.length - 1 ? into : ''}` });
      }
      if (edge.steps.length === 0) {
        n++;
        steps.push({ file: d.pos.file, line: d.pos.line, column: d.pos.column, message: `${n}. ${plainName(edge.from)} flows${into}` });
      }
    }
  }
  return steps;
}
