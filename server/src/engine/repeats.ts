// Each allocation once: the compiler prints a decision once per compiled copy of its function,
// and a user reads one finding per allocation. Pure (no Node API): the protocol module's
// `isKindShown` comes from present.ts, which uses this, and the client bundles it.
import type { CompilerPos, Finding } from './types';

/** Findings mapped at another decision's position (a dictionary wrapper's, at its shape instantiation's), with that position. */
const mappedAt = new WeakMap<Finding, CompilerPos>();

/** Records that a finding was mapped at another decision's position (analyze.ts; the results cache when it reads a finding back). */
export function markMappedAt(f: Finding, pos: CompilerPos): void {
  mappedAt.set(f, pos);
}

/** Where a finding was mapped when that was another decision's position (what the results cache keeps). */
export function mappedAtOf(f: Finding): CompilerPos | undefined {
  return mappedAt.get(f);
}

/**
 * The findings with each allocation once, in their order: findings of one kind, file, range,
 * compiler position and text (as every copy spells it) are one decision printed once per compiled copy of its function (a
 * closure compiled on its own and again in each function that inlines its parent, a generic
 * function's shape instantiation and its dictionary wrappers, whose position is taken to be where
 * they were mapped). Of each, the first whose compiler position lies in its range is kept (the copy
 * that reports where the code is), else the first.
 */
export function dropRepeats(findings: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  const at = new Map<string, number>();
  for (const f of findings) {
    const k = repeatKey(f);
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, out.length);
      out.push(f);
    } else if (!reportsInRange(out[i]!) && reportsInRange(f)) out[i] = f;
  }
  return out;
}

/** Findings the compiled-code join found to be an interface box of a value another decision at the same position is about (evidenceJoin.ts). */
const boxes = new WeakSet<Finding>();

/** Marks a finding as the interface box of a value: it is not a repeat of the value's own decision. */
export function markBox(f: Finding): void {
  boxes.add(f);
}

/** Whether a finding was marked as an interface box (what the results cache and the spill keep). */
export function isBox(f: Finding): boolean {
  return boxes.has(f);
}

/**
 * What a finding and its repeats share (dropRepeats). `heapscope check` writes each package as go
 * compiles it and remembers these keys, so a generic function instantiated or a function inlined
 * in several packages is still reported once.
 */
export function repeatKey(f: Finding): string {
  // Two lines at different positions are two allocations even on one node (`string(b)` copies
  // the bytes at its `(` and is boxed for an interface at its operand), unless one was mapped
  // where the other is reported.
  const c = mappedAt.get(f) ?? f.compiler;
  const text = f.compiler ? copyNeutral(f.compiler.message) : f.message;
  // The compiler prints a value and its interface box with one text at one position (`[]string{...}`
  // passed to assert.Equal: gin v1.10.0 errors_test.go:77): two allocations.
  return `${f.kind}|${f.file}|${f.line}:${f.column}-${f.endLine}:${f.endColumn}|${c ? `${c.line}:${c.column}` : ''}|${text}${boxes.has(f) ? '|box' : ''}`;
}

/**
 * A compiler line's text as every compiled copy of its function spells it: without the shapes of
 * a generic function's instantiation (`objectValues[go.shape.struct {},…](values)`), and without
 * the qualifier a copy compiled in another package puts on the function's names
 * (`zap.objectValues[…](zap.values)` in zap's external tests).
 */
function copyNeutral(message: string): string {
  let out = '';
  let depth = 0;
  let from = -1;
  for (let i = 0; i < message.length; i++) {
    const ch = message[i];
    if (ch === '[' && depth++ === 0) from = i;
    else if (ch === ']' && --depth === 0 && from >= 0) {
      const group = message.slice(from, i + 1);
      if (!group.includes('go.shape.')) out += group;
      from = -1;
    } else if (depth === 0) out += ch;
  }
  if (depth !== 0) out = message;
  // And each instantiation's shape where the code names its type parameter (`make([]go.shape.int, n)`
  // and `make([]go.shape.int64, n)` are one `make([]V, n)`: hashicorp/golang-lru v2.0.7 lru.go:239).
  out = eraseShapes(out, 'go.shape');
  const qualifier = /^([a-z][a-z0-9_]*)\.[A-Za-z_(]/.exec(out)?.[1];
  return qualifier === undefined ? out : withoutQualifier(out, qualifier);
}

/**
 * Code with each shape type (`go.shape.int`, `go.shape.struct {}`, `go.shape.map[string]interface {}`)
 * replaced by `name`.
 */
export function eraseShapes(code: string, name: string): string {
  const marker = 'go.shape.';
  let out = '';
  let i = 0;
  for (let at = code.indexOf(marker); at >= 0; at = code.indexOf(marker, i)) {
    out += code.slice(i, at) + name;
    i = shapeEnd(code, at + marker.length);
  }
  return out + code.slice(i);
}

/** The end of a shape type's text from `start` (after `go.shape.`): balanced brackets, `struct {…}` and `interface {…}` included. */
export function shapeEnd(s: string, start: number): number {
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

/**
 * Code without the qualifier `pkg.` on its names (`len(zerolog.l.hooks)` → `len(l.hooks)`): how
 * the compiler prints the code of a function compiled or inlined in another package. String and
 * rune literals keep their text; a name after another selector (`x.zerolog.y`) is not one.
 */
export function withoutQualifier(code: string, pkg: string): string {
  const qualified = new RegExp(`(?<![\\w.])${pkg}\\.(?=[A-Za-z_])`, 'g');
  return code
    .split(/("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(qualified, '')))
    .join('');
}

/** Whether a finding's compiler position lies inside its range. */
function reportsInRange(f: Finding): boolean {
  const c = f.compiler;
  if (!c) return false;
  const afterStart = c.line > f.line || (c.line === f.line && c.column >= f.column);
  const beforeEnd = c.line < f.endLine || (c.line === f.endLine && c.column < f.endColumn);
  return afterStart && beforeEnd;
}

/**
 * A copy of a finding with some fields replaced, for the stages after the findings are made (the
 * compiled code's join). A spread would make what a finding makes only when read (its explanation
 * steps, for every finding of the run) and lose the record of where it was mapped, which
 * dropRepeats reads; the copy reads such fields through the original until it is given its own.
 */
export function withFields(f: Finding, fields: Partial<Finding>): Finding {
  const copy: Record<string, unknown> = {};
  const from = f as unknown as Record<string, unknown>;
  for (const name of Object.keys(from)) {
    const d = Object.getOwnPropertyDescriptor(from, name);
    if (d?.get === undefined) {
      copy[name] = d?.value;
      continue;
    }
    let own: unknown;
    let given = false;
    Object.defineProperty(copy, name, {
      get: () => (given ? own : from[name]),
      set: (value: unknown) => {
        own = value;
        given = true;
      },
      enumerable: true,
      configurable: true,
    });
  }
  Object.assign(copy, fields);
  const at = mappedAt.get(f);
  if (at !== undefined) mappedAt.set(copy as unknown as Finding, at);
  return copy as unknown as Finding;
}
