// Plain-language messages for compiler decisions. The compiler's exact text is always kept next
// to these (Finding.compiler); this module only explains it in words a Go developer acts on.
import type { CompilerDecision, CompilerPos, Explanation, FlowEdge, FlowStep, RelatedLocation } from './types';

/** Wraps code in backticks for messages. */
function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

/** The callee of a call expression as the compiler prints it: `fmt.Sprintf("%d", ...)` → `fmt.Sprintf`. */
export function calleeOf(expr: string): string | null {
  const text = expr.trim();
  if (!text.endsWith(')')) return null;
  // Walk back to the '(' that matches the final ')': method expressions print as
  // `(*sync.WaitGroup).Add(wg, 1)`, so the first '(' is not the call's.
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) {
      const callee = text.slice(0, i).trim();
      return /^[\w.*()[\]]+$/.test(callee) ? callee : null;
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
  step?: string;
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
    step: 'it is passed to a call',
    why: (it, at, edge, step) => {
      const callee = calleeOf(step.expr);
      const target = edge.to === '{heap}' ? 'which lets it escape' : 'which keeps it';
      return callee ? `${it} is passed to ${code(callee)}${at}, ${target}` : `${it} is passed to a call${at}, ${target}`;
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
  return `it flows into ${code(to)}, which escapes`;
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

/** What the syntax the decision was mapped onto says about it (analyze.ts finds it). */
export interface DecisionSite {
  /**
   * The function whose inlined body holds what the decision is about, when the compiler reports it
   * at the call the user wrote (`(*Context).Redirect` for a `render.Redirect{...}` escaping at
   * `c.Redirect(`); absent when the decision is about the call itself.
   */
  inlinedFrom?: string;
  /** Whether the node is an `append` call: only then is a Go 1.25+ `append escapes to heap` "this `append`". */
  onAppend?: boolean;
}

/** A function's name as the compiler prints it, without shape instantiations (`Box[go.shape.int]` → `Box`). */
function functionName(func: string): string {
  let out = '';
  let depth = 0;
  let from = -1;
  for (let i = 0; i < func.length; i++) {
    const c = func[i];
    if (c === '[' && depth++ === 0) from = i;
    else if (c === ']' && --depth === 0 && from >= 0) {
      const args = func.slice(from, i + 1);
      if (!args.includes('go.shape.')) out += args;
      from = -1;
    } else if (depth === 0) out += c;
  }
  return depth === 0 ? out : func;
}

/** The one-line message for a decision, with what its syntax says (`site`) about the decision. */
export function decisionMessage(d: CompilerDecision, site: DecisionSite = {}): string {
  const subject = subjectOf(d);
  // What an inlined callee allocates is said as such, on the call the user wrote.
  const inside = site.inlinedFrom ? `inside ${code(functionName(site.inlinedFrom))}, inlined here, ` : '';
  // The reason reads the explanation's flows (parsed on first read): only the escape kinds use it.
  const because = (): string => {
    const why = escapeReason(d.explanations, d.pos);
    return why ? `: ${why}` : ' (run with -m=2 to see why)';
  };
  switch (d.kind) {
    case 'escape.moved':
      return `${inside}${code(subject)} is moved to the heap${because()}`;
    case 'escape.heap': {
      // Go 1.25+ prints `append escapes to heap` for the backing array append allocates.
      if (subject === 'append') return `${inside}the backing array grown by ${site.onAppend && !inside ? 'this' : 'an'} \`append\` is allocated on the heap${because()}`;
      const note = d.details.note ? `: ${d.details.note === 'non-constant size' ? 'its size is not known at compile time' : d.details.note}` : '';
      return `${inside}${code(subject)} is allocated on the heap${note || because()}`;
    }
    case 'escape.closure':
      return `${inside}${inside ? 'a' : 'this'} closure is allocated on the heap, with the variables it captures${because()}`;
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
      return `parameter ${code(subject)} flows to result ${d.details.result ?? ''}${level}: whether it escapes is decided at each call site`.replace(/ {2,}/g, ' ');
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
    const m = /leaks to (.+?)(?: for \S+)?(?: with derefs=(-?\d+))?$/.exec(ex.header);
    if (!m) continue;
    const to = m[1] ?? '';
    if (to === '{heap}') return ' to the heap';
    if (to.startsWith('{storage for func literal}')) return ' to a closure';
    if (/^~r\d+$/.test(to)) return ' to a result';
    return ` to ${code(to)}`;
  }
  return '';
}

/** A flow step in words: `its address is taken: \`&p\``. */
export function stepWords(step: FlowStep): string {
  const words = wordingOf(step.reason)?.step ?? step.reason;
  return `${words}: \`${step.expr}\``;
}

/** The explanation chain as numbered steps, each pointing at its location. */
export function explanationSteps(d: CompilerDecision): RelatedLocation[] {
  const steps: RelatedLocation[] = [];
  let n = 0;
  for (const ex of d.explanations) {
    for (const edge of ex.flows) {
      const flow = edge.to || edge.from ? ` (flow ${edge.to} ← ${edge.from})` : '';
      for (const step of edge.steps) {
        const pos = step.pos ?? d.pos;
        n++;
        steps.push({ file: pos.file, line: pos.line, column: pos.column, message: `${n}. ${stepWords(step)}${flow}` });
      }
      if (edge.steps.length === 0) {
        n++;
        steps.push({ file: d.pos.file, line: d.pos.line, column: d.pos.column, message: `${n}. ${edge.to} ← ${edge.from}` });
      }
    }
  }
  return steps;
}
