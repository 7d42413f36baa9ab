// The classifier of the Go compiler's `-m` summary lines: which decision kind a line's text is
// (the `compiler` kinds of the kinds table, kinds.ts) and the details it carries — subject,
// function, cost, capture flags, leak result. compilerOutput.ts finds the lines and their
// positions and groups explanation blocks; this module reads one line's text after
// `file:line:col: `. Phrasings were read from Go 1.21 to 1.26 output (test-fixtures/recorded) and
// the compiler sources (cmd/compile/internal/escape, inline, devirtualize, loopvar, bloop).
//
// Hot path: one call per summary line; prefix and suffix tests, no regular expressions.
import { digitsEnd, toInt } from './compilerPositions';
import type { DecisionDetails, DecisionKind } from './types';

/** The tail of `x escapes to heap` (summaries) and `x escapes to heap[ in f]:` (explanation headers). */
export const ESCAPES = ' escapes to heap';

/** Classifies one summary text into a decision kind with its details. */
export function classifyDecision(text: string): { kind: DecisionKind; details: DecisionDetails } {
  if (text.startsWith('moved to heap: ')) return { kind: 'escape.moved', details: { subject: text.slice(15) } };
  if (text.endsWith(ESCAPES)) {
    const subject = text.slice(0, -ESCAPES.length);
    return { kind: subject === 'func literal' ? 'escape.closure' : 'escape.heap', details: { subject } };
  }
  if (text.endsWith(' does not escape')) return { kind: 'noescape', details: { subject: text.slice(0, -16) } };
  if (text === 'zero-copy string->[]byte conversion') return { kind: 'noescape.zerocopy', details: {} };
  if (text.startsWith('leaking param: ')) {
    const to = text.indexOf(' to result ', 15);
    if (to < 0) return { kind: 'leak.param', details: { subject: text.slice(15) } };
    const lv = text.lastIndexOf(' level=');
    const details: DecisionDetails = { subject: text.slice(15, to) };
    if (lv > to) {
      details.result = text.slice(to + 11, lv);
      const end = digitsEnd(text, lv + 7);
      if (end > lv + 7) details.level = toInt(text, lv + 7, end);
    } else details.result = text.slice(to + 11);
    return { kind: 'leak.result', details };
  }
  if (text.startsWith('leaking param content: ')) return { kind: 'leak.content', details: { subject: text.slice(23) } };
  if (text.startsWith('leaking closure reference ')) return { kind: 'leak.closure', details: { subject: text.slice(26) } };
  if (text.startsWith('inlining call to ')) return { kind: 'inline.call', details: { func: text.slice(17) } };
  if (text.startsWith('can inline ')) return classifyCanInline(text);
  if (text.startsWith('cannot inline ')) return classifyCannotInline(text);
  if (text.startsWith('devirtualizing ')) {
    const to = text.lastIndexOf(' to ');
    if (to > 15) return { kind: 'devirtualize', details: { subject: text.slice(15, to), target: text.slice(to + 4) } };
    return { kind: 'devirtualize', details: { subject: text.slice(15) } };
  }
  const capture = text.indexOf(' capturing by ');
  if (capture > 0) return classifyCapture(text, capture);
  if (text.startsWith('loop variable ')) return classifyLoopVar(text);
  if (text.endsWith(' will be kept alive')) return { kind: 'other.keptalive', details: { subject: text.slice(0, -19) } };
  return { kind: 'other', details: {} };
}

/** `can inline f with cost 12 as: body` (also without cost or body, as -m=1 prints). */
function classifyCanInline(text: string): { kind: DecisionKind; details: DecisionDetails } {
  const details: DecisionDetails = {};
  const as = text.indexOf(' as: ', 11);
  const head = as >= 0 ? text.slice(11, as) : text.slice(11);
  if (as >= 0) details.body = text.slice(as + 5);
  const w = head.lastIndexOf(' with cost ');
  const costEnd = w >= 0 ? digitsEnd(head, w + 11) : -1;
  if (w > 0 && costEnd === head.length && costEnd > w + 11) {
    details.func = head.slice(0, w);
    details.cost = toInt(head, w + 11, costEnd);
  } else details.func = head;
  return { kind: 'inline.can', details };
}

/**
 * `cannot inline f: reason`, with `function too complex: cost N exceeds budget M` parsed, and
 * `cannot inline f into g: reason` (Go 1.22+) whose caller g goes into `target`.
 */
function classifyCannotInline(text: string): { kind: DecisionKind; details: DecisionDetails } {
  const details: DecisionDetails = {};
  const colon = text.indexOf(': ', 14);
  let name = colon >= 0 ? text.slice(14, colon) : text.slice(14);
  const into = name.indexOf(' into ');
  if (into > 0) {
    details.target = name.slice(into + 6);
    name = name.slice(0, into);
  }
  details.func = name;
  if (colon >= 0) {
    const reason = text.slice(colon + 2);
    details.reason = reason;
    const c = reason.indexOf('cost ');
    const b = reason.indexOf(' exceeds budget ');
    if (c >= 0 && b > c) {
      const cEnd = digitsEnd(reason, c + 5);
      const bEnd = digitsEnd(reason, b + 16);
      if (cEnd > c + 5) details.cost = toInt(reason, c + 5, cEnd);
      if (bEnd > b + 16) details.budget = toInt(reason, b + 16, bEnd);
    }
  }
  return { kind: 'inline.cannot', details };
}

/** `f capturing by ref: x (addr=true assign=false width=8)`. */
function classifyCapture(text: string, at: number): { kind: DecisionKind; details: DecisionDetails } {
  const byRef = text.startsWith('ref: ', at + 14);
  if (!byRef && !text.startsWith('value: ', at + 14)) return { kind: 'other', details: {} };
  const details: DecisionDetails = { func: text.slice(0, at) };
  const start = at + 14 + (byRef ? 5 : 7);
  const paren = text.lastIndexOf(' (addr=');
  details.subject = paren > start ? text.slice(start, paren) : text.slice(start);
  if (paren > start) {
    details.addr = text.startsWith('true', paren + 7);
    const assign = text.indexOf('assign=', paren);
    if (assign > 0) details.assign = text.startsWith('true', assign + 7);
    const width = text.indexOf('width=', paren);
    if (width > 0) {
      const end = digitsEnd(text, width + 6);
      if (end > width + 6) details.width = toInt(text, width + 6, end);
    }
  }
  return { kind: byRef ? 'capture.ref' : 'capture.value', details };
}

/** `loop variable i now per-iteration, heap-allocated[ (loop inlined into f.go:12)]` (-d=loopvar=2). */
function classifyLoopVar(text: string): { kind: DecisionKind; details: DecisionDetails } {
  const now = text.indexOf(' now per-iteration', 14);
  if (now < 0) return { kind: 'other', details: {} };
  const details: DecisionDetails = { subject: text.slice(14, now) };
  const tail = text.slice(now + 18);
  const paren = tail.indexOf(' (');
  if (paren >= 0 && tail.endsWith(')')) details.note = tail.slice(paren + 2, -1);
  if (tail.startsWith(', heap-allocated')) return { kind: 'loopvar.heap', details };
  if (tail.startsWith(', stack-allocated')) return { kind: 'loopvar.stack', details };
  return { kind: 'other', details };
}
