// Joins escape analysis with the compiled code (evidence.ts): a heap decision with an allocator
// call at its line is confirmed; one without is free (kind `escape.free`, hidden by default, its
// message says why); an allocator call no heap decision accounts for becomes an `alloc.*` finding.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastName, type SourceCache } from './analyze';
import { argumentEnd, code, functionWords, withoutTypeArguments } from './messages';
import { allocatorInfo, lineKey, type AllocCall, type AllocCategory, type RunEvidence } from './evidence';
import { kindInfo } from './kinds';
import { branchAround, branchWords, declarationLines, nodesOnLine, type Branch } from './nodeMapping';
import { GoSourceFile } from './sourceFile';
import { firstNonBlank } from './positions';
import { markBox, withFields } from './repeats';
import type { ByteRange, CodeEvidence, CompilerDecision, Finding } from './types';

/** The heap kinds whose findings the compiled code must confirm. */
const HEAP_DECISION_KINDS: ReadonlySet<string> = new Set(['escape.moved', 'escape.heap', 'escape.closure', 'loopvar.heap']);

/** A constant as the compiler prints it: a number, a string (cut short: `"aaaa…aaa...` with no closing quote), a rune, a boolean. */
const CONSTANT = String.raw`-?[0-9][0-9a-fA-FxXoObB_.eEpP+-]*i?|"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*\\?\.\.\.|\`[^\`]*\`|'(?:[^'\\]|\\.)+'|true|false`;
const CONSTANT_ALONE = new RegExp(`^(?:${CONSTANT}|nil)$`);
/** A constant converted to a type: `int64(1)`, `logrus.Level(3)` (how the compiler prints a typed named constant). */
const CONSTANT_CONVERTED = new RegExp(`^([A-Za-z_][\\w.]*)\\((?:${CONSTANT})\\)$`);
const PREDECLARED_TYPES: ReadonlySet<string> = new Set('bool byte complex64 complex128 float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr'.split(' '));

/**
 * What a free heap decision is, in words, or null when the subject gives no reason. `nodeType` is
 * the syntax the decision was mapped onto: the compiler prints a typed constant as a conversion of
 * its value (`logrus.Level(3)` for `WarnLevel`, logrus v1.10.2 logrus_test.go:575), which reads
 * like a call `F(3)` whose result is boxed; it is a constant where the user wrote a name, not a
 * call, or where the type is predeclared (`int64(1)`, echo v4.16.5 bind_test.go:196).
 */
export function freeReason(d: CompilerDecision | null, nodeType?: string | null): string | null {
  const subject = d?.details.subject?.trim();
  if (d?.kind !== 'escape.heap' || subject === undefined) return null;
  const converted = CONSTANT_CONVERTED.exec(subject);
  if (
    CONSTANT_ALONE.test(subject) ||
    (converted && (PREDECLARED_TYPES.has(converted[1]!) || (typeof nodeType === 'string' && /^(identifier|selector_expression|qualified_type|field_identifier)$/.test(nodeType))))
  ) {
    return 'a constant boxed into an interface points at read-only data';
  }
  // `[]interface {}{}` too (zap v1.27.0 array_test.go:61): the compiler prints `interface {}` with a space.
  // `&struct {}{}` too: the address of a zero-sized value is the runtime's zerobase (zap v1.27.0 json_encoder_test.go:100).
  if (/^&?(struct ?\{\}\{\}|\[0?\](?:[\w.*[\]]|(?:interface|struct) ?\{\})+\{\})$/.test(subject)) return 'a zero-sized value needs no memory (it points at the runtime’s zerobase)';
  // `make([]struct{}, n)`: makeslice of zero-sized elements returns the zerobase (AllocsPerRun 0,
  // go1.26.8); the compiler says so of a generic one's instantiation with its reason `zero-sized
  // element` (`make([]V, n)` with V = struct{}, hashicorp/golang-lru v2.0.7 lru.go:239).
  const zeroSized = d.explanations.some((ex) => ex.flows.some((fl) => fl.steps.some((st) => st.reason === 'zero-sized element')));
  if (zeroSized || /^make\(\[\](?:struct ?\{\}|\[0\][^,]+),/.test(subject)) return 'a slice of zero-sized elements needs no memory (it points at the runtime’s zerobase)';
  return null;
}

/**
 * The calls of a decision's line that the code of the callee it is inside may have made: inlined
 * through one of the functions inlined at its position, and for a value of another package's
 * unexported type, through that package.
 */
function inlinedCandidates(f: Finding, evidence: RunEvidence): readonly AllocCall[] {
  if (f.compiler === null || f.inlinedAt === undefined) return [];
  const owner = qualifierOf(f.decision?.details.subject ?? '');
  return (evidence.byLine.get(lineKey(f.file, f.compiler.line)) ?? []).filter(
    (c) => throughOneOf(c, f.inlinedAt!) && (owner === undefined || c.inlinedVia.some((frame) => frameInPackage(frame, owner))),
  );
}

/** Whether an allocator call was inlined through one of these functions (as the compiler's "inlining call to" names them). */
function throughOneOf(c: AllocCall, funcs: readonly string[]): boolean {
  return c.inlinedVia.some((frame) => funcs.some((g) => frameMayBe(frame, g)));
}

/**
 * Whether a frame of the compiled code may be the function the compiler names `g`
 * (`strings.NewReader`, `httptest.NewRequest`, `(*Context).Redirect`). A frame names its function
 * in full when it is of the compiled package (`example.com/p.(*T).M`: compared by last name), and
 * only by its package path when it is of another (`strings`, `github.com/labstack/echo/v4`: the
 * object file does not list its name), compared with `g`'s package qualifier. A package path whose
 * last element is not the package's name (`go-isatty`) may be anything.
 */
export function frameMayBe(frame: string, g: string): boolean {
  const tail = frame.slice(frame.lastIndexOf('/') + 1);
  if (tail.includes('.') && !/\.v\d+$/.test(tail)) return lastName(frame) === lastName(g);
  const q = /^([A-Za-z_]\w*)\./.exec(g)?.[1];
  return q !== undefined && mayBePackage(frame, q);
}

/**
 * Whether a package path may be that of the package named `q`. A standard-library package is named
 * by its last element (a major version aside: `math/rand/v2` is rand); a module's need not be
 * (`github.com/json-iterator/go` is jsoniter: json-iterator v1.1.12 lost 231 findings to the
 * comparison), so only a standard-library path rules a name out.
 */
function mayBePackage(pkgPath: string, q: string): boolean {
  const parts = pkgPath.split('/');
  const lastPart = parts[parts.length - 1] ?? '';
  const last = (/^v\d+$/.test(lastPart) && parts.length > 1 ? parts[parts.length - 2]! : lastPart).replace(/\.v\d+$/, '');
  const std = !(parts[0] ?? '').includes('.');
  return last === q || !std || !/^[A-Za-z_]\w*$/.test(last);
}

/**
 * The package whose code writes a value of an unexported type of another package, as the compiler
 * prints it: `context` of `context.backgroundCtx{}`. Only that package can write it; an exported
 * type (`new(bytes.Buffer)` in `httptest.NewRecorder`) may be written anywhere.
 */
function qualifierOf(subject: string): string | undefined {
  return /^(?:&|new\()?([a-z_]\w*)\.[a-z_]\w*(?:\{|\)|\[)/.exec(subject.trim())?.[1];
}

/** Whether a frame's function is of the package named `q` (a package path whose last element is not a name may be anything). */
export function frameInPackage(frame: string, q: string): boolean {
  const slash = frame.lastIndexOf('/');
  const tail = frame.slice(slash + 1);
  const full = tail.includes('.') && !/\.v\d+$/.test(tail);
  return mayBePackage(full ? frame.slice(0, slash + 1) + tail.slice(0, tail.indexOf('.')) : frame, q);
}

/** Whether a decision is about a closure (its `newobject`, or nothing when it captures no variables). */
function closure(d: CompilerDecision | null): boolean {
  return d?.kind === 'escape.closure' || d?.details.subject === 'func literal';
}

/**
 * Why `fmt.Errorf`'s inlined `errors.New(format)` allocates nothing on this call, or null. Since Go
 * 1.26 `fmt.Errorf` calls `fmt.errorf` and reaches `errors.New(format)` only when there is nothing to
 * format: no arguments and no `%` in the format (fmt/errors.go). A call with arguments, or with a
 * `%` in its literal format, never does; its error is made inside `fmt.errorf` (semver v3.5.0:
 * 49 findings "`&errors.errorString{...}` is allocated"; AllocsPerRun and a profile show nothing at
 * fmt/errors.go:31 for `fmt.Errorf("bad: %v", s)`).
 */
function unreachedErrorsNew(f: Finding, sources: SourceCache): string | null {
  if (f.inlinedAt === undefined || !f.inlinedAt.some((g) => /(?:^|\.)fmt\.Errorf$/.test(g)) || !/^&errors\.errorString\{/.test(f.decision?.details.subject ?? '')) return null;
  const src = sources.get(f.file);
  if (src === null || f.endLine > src.lines.lineCount) return null;
  const call = src.textOf(f);
  if (!/^[\w.]*Errorf\s*\(/.test(call) || !call.endsWith(')')) return null;
  // The format is the first argument: more after it, or a `%` in a literal one, is something to format.
  const open = call.indexOf('(') + 1;
  const end = argumentEnd(call, open);
  const format = call.slice(open, end).trim();
  const formats = call[end] === ',' || (/^["`]/.test(format) && format.includes('%'));
  return formats ? '`fmt.Errorf` reaches its `errors.New` only when there is nothing to format; this call formats, and `fmt.errorf` makes its error in its own code' : null;
}

/** The source text of a one-line range, or null. */
function rangeText(sources: SourceCache, file: string, r: ByteRange): string | null {
  const src = sources.get(file);
  return src === null || r.line !== r.endLine || r.line > src.lines.lineCount || r.endColumn <= r.column ? null : src.textOf(r);
}

/**
 * Whether an `append` without a `growslice` on its line may still grow its array: an append's
 * `growslice` is credited to its own line, but Go 1.26 starts some slices in a stack buffer and
 * moves them to the heap with `runtime.moveSlice*` where they leave the function, on another line.
 * True when the function around it has such a call (or may: a position outside a declaration, a
 * file without its syntax).
 */
function growthInFunction(f: Finding, moves: ReadonlyMap<string, readonly number[]>, sources: SourceCache): boolean {
  const src = sources.get(f.file);
  const lines = src === null || f.compiler === null ? null : declarationLines(src, f.compiler.line, f.compiler.column);
  return lines === null || (moves.get(f.file) ?? []).some((l) => l >= lines.line && l <= lines.endLine);
}

/** The allocator calls not yet claimed on the lines after a decision's first, within its range, where no heap decision is. */
function spanCalls(f: Finding, evidence: RunEvidence, decisionLines: ReadonlySet<string>, claimed: ReadonlySet<AllocCall>): AllocCall[] {
  const out: AllocCall[] = [];
  for (let l = f.line + 1; l <= f.endLine; l++) {
    const key = lineKey(f.file, l);
    if (decisionLines.has(key)) continue;
    for (const c of evidence.byLine.get(key) ?? []) if (!claimed.has(c) && c.inlinedFrom === null) out.push(c);
  }
  return out;
}

/**
 * Whether a value escapes only as the argument `panic` is called with, written there: every flow
 * to the heap is `panic(<the value>)`, with nothing but its spill and interface conversion before.
 * Such a value is made in the branch that panics (a value made earlier and passed to `panic` later
 * is not: it is allocated where it is made, whatever the branch).
 */
function forPanicOnly(d: CompilerDecision | null): boolean {
  const subject = d?.details.subject;
  if (d === null || !subject || d.explanations.length === 0) return false;
  return d.explanations.every((ex) =>
    ex.flows.every(
      (fl) =>
        fl.to === '{heap}' &&
        fl.steps.length > 0 &&
        fl.steps.every((st, i, all) => (i === all.length - 1 ? st.reason === 'call parameter' && st.expr === `panic(${subject})` : st.reason === 'spill' || st.reason === 'interface-converted')),
    ),
  );
}

/**
 * On what inlined code's allocation depends when the syntax of the functions it was inlined from
 * puts it on a branch: "only on some paths through `bufApp`: the allocation at path.go:138 is
 * inside an `if`". Null when one of the calls is not inlined or runs on every path (then the call
 * the user wrote allocates whenever it returns). The user's line running says nothing of a branch
 * inside the callee (gin v1.10.0 path.go:97, `bufApp(&buf, p, w, '/')`: its `make` runs only when
 * the path needs cleaning and is longer than the stack buffer).
 */
function inlinedBranch(calls: readonly AllocCall[], sources: SourceCache, from: string): string | null {
  let said: string | null = null;
  for (const c of calls) {
    const b = branchOfCall(c, sources, from);
    if (b === null) return null;
    said ??= b;
  }
  return said;
}

function branchOfCall(c: AllocCall, sources: SourceCache, from: string): string | null {
  if (c.inlinedFrom === null) return null;
  const lines = c.inlinedLines ?? [{ file: c.inlinedFrom.file, line: c.inlinedFrom.line }];
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!;
    // A file is read for its function around the line only, once per process (the join's sources
    // are parsed anew, and the standard library's are large); an editor's unsaved text as it is.
    const src = unsaved(sources, at.file);
    const b = src === undefined ? branchInFile(at.file, at.line) : src === null ? null : branchAround(src, at.line);
    if (b === null) continue;
    const fn = functionName(c.inlinedVia[i] ?? (i === 0 ? c.inlinedFrom.func : undefined));
    const inner = i === 0 ? null : functionName(c.inlinedVia[i - 1]);
    const what = i === 0 ? 'the allocation' : inner === null ? 'the inlined call' : `its call of ${inner}`;
    const where = path.dirname(at.file) === path.dirname(from) ? path.basename(at.file) : `${path.basename(path.dirname(at.file))}/${path.basename(at.file)}`;
    // A line of another file is named with its file (trial J: "after the `return` at line 54" read as the user's line 54).
    return `only on some paths${fn === null ? '' : ` through ${fn}`}: ${what} at ${where}:${at.line} is ${branchWords(b, at.file === from ? undefined : where)}`;
  }
  return null;
}

/** An inlined function as messages name it; null when the object file names it by its package only. */
function functionName(func: string | undefined): string | null {
  const n = func === undefined ? null : inlinedName(func);
  return n === null || n.startsWith('the ') ? null : n;
}

/** An editor's unsaved text of a file (null when unreadable); undefined when the file on disk is what was compiled. */
function unsaved(sources: SourceCache, file: string): GoSourceFile | null | undefined {
  return sources.overlaid(file) ? sources.get(file) : undefined;
}

const branchMemo = new Map<string, { stamp: string; branch: Branch | null }>();
/** The lines of the files read last (an inlined callee's calls come from a few files). */
const recentFiles = new Map<string, { stamp: string; lines: string[] }>();

/**
 * branchAround for a line of a file outside the package: the top-level function around it, as
 * gofmt writes one (from a line starting `func ` to a line `}`), parsed on its own. Remembered
 * by file, line, size and modification time. Null when the file cannot be read.
 */
function branchInFile(file: string, line: number): Branch | null {
  const text = fileLines(file);
  if (text === null) return null;
  const key = `${file}\0${line}`;
  const hit = branchMemo.get(key);
  if (hit !== undefined && hit.stamp === text.stamp) return hit.branch;
  const lines = text.lines;
  let branch: Branch | null = null;
  let start = line - 1;
  while (start >= 0 && !/^func[ (]/.test(lines[start] ?? '')) start--;
  let end = line - 1;
  while (end < lines.length && lines[end] !== '}') end++;
  // A `}` at the left margin between them closes another declaration: the line is not in this function.
  const inside = start >= 0 && end < lines.length && !lines.slice(start, line - 1).some((l) => l === '}');
  if (inside) {
    const found = branchAround(GoSourceFile.parse(`package p\n${lines.slice(start, end + 1).join('\n')}\n`), line - start + 1);
    branch = found === null ? null : { ...found, line: found.line + start - 1 };
  }
  if (branchMemo.size >= 20_000) branchMemo.clear();
  branchMemo.set(key, { stamp: text.stamp, branch });
  return branch;
}

/** A file's lines as on disk, with its size and modification time; the last 64 files read are kept. Null when it cannot be read. */
function fileLines(file: string): { stamp: string; lines: string[] } | null {
  try {
    const st = fs.statSync(file);
    const stamp = `${st.size}:${st.mtimeMs}`;
    const kept = recentFiles.get(file);
    if (kept?.stamp === stamp) return kept;
    const read = { stamp, lines: fs.readFileSync(file, 'utf8').split('\n') };
    if (recentFiles.size >= 64) recentFiles.delete(recentFiles.keys().next().value as string);
    recentFiles.set(file, read);
    return read;
  } catch {
    return null;
  }
}

/**
 * Of several calls inlined on a line, those whose line in the inlined function writes the
 * decision's subject (brotli v1.3.0 decode.go:2440: `make([][]huffmanCode, treesLen)` in
 * `makeTreesBuffer` and `make([]huffmanCode, codesLen)` in `makeCodesBuffer`, one makeslice each,
 * took both, and the second's branch; trial I). All of them when none or all do.
 */
function writingSubject(calls: readonly AllocCall[], subject: string, sources: SourceCache): readonly AllocCall[] {
  const written = subject.replace(/\{\.\.\.\}$/, '{').replace(/\s+/g, '');
  if (calls.length < 2 || written.length < 4) return calls;
  const lineText = (c: AllocCall): string | undefined => {
    if (c.inlinedFrom === null) return undefined;
    const { file, line } = c.inlinedFrom;
    const src = unsaved(sources, file);
    return (src === undefined ? fileLines(file)?.lines[line - 1] : src?.lines.lineText(line - 1))?.replace(/\s+/g, '');
  };
  // The whole subject, else up to its first argument: the compiler prints constants folded
  // (bufio.NewReaderSize's `make([]byte, max(size, minReadBufferSize))` is `make([]byte, max(size, 16))`,
  // and took `new(Reader)`'s line 56 for its branch; oklog/ulid v2.1.2 ulid.go:579).
  for (const part of [written, written.slice(0, written.indexOf(',') + 1)]) {
    if (part.length < 5) continue;
    const own = calls.filter((c) => lineText(c)?.includes(part) === true);
    if (own.length > 0) return own;
  }
  return calls;
}

/** A heap decision the compiled code carries out without allocating: the hidden kind `escape.free`, saying why. */
function freeFinding(f: Finding, why: string): Finding {
  return withFields(f, {
    kind: 'escape.free',
    severity: kindInfo('escape.free').defaultSeverity,
    message: `${f.decision?.details.subject ? code(f.decision.details.subject) : 'this value'} is not allocated, although the compiler says it escapes: ${why}`,
    evidence: { allocates: 'no', calls: [] },
  });
}

/** Whether a heap decision is about an object the code writes: `&T{...}`, `new(T)`, a composite literal, a closure, a variadic call's slice. */
function writesObject(d: CompilerDecision | null): boolean {
  const s = (d?.details.subject ?? '').trim();
  return /^&|^new\(|^func literal$|^func\(|\{(?:\.\.\.|.*)\}$|^\.\.\. argument$/.test(s);
}

const BOX_CATEGORIES: ReadonlySet<AllocCategory> = new Set(['convert']);

/**
 * The decisions that are the interface box of a value another decision on the line is about: the
 * compiler prints `string(b) escapes to heap` twice for `assert.Equal(t, want, string(b))`, once
 * for the string's bytes, which flow into `{storage for string(b)}` (interface-converted), and
 * once for that storage, the box, which `runtime.convTstring` allocates (viper v1.19.0
 * internal/encoding/ini/codec_test.go:73: both took `slicebytetostring`, the box's call was left).
 */
function interfaceBoxes(findings: readonly Finding[]): Set<Finding> {
  const bySubject = new Map<string, Finding[]>();
  for (const f of findings) {
    const subject = f.decision?.details.subject;
    if (f.kind !== 'escape.heap' || f.compiler === null || !subject) continue;
    const k = `${lineKey(f.file, f.compiler.line)}|${subject}`;
    bySubject.set(k, [...(bySubject.get(k) ?? []), f]);
  }
  const boxes = new Set<Finding>();
  for (const group of bySubject.values()) {
    if (group.length < 2) continue;
    const subject = group[0]!.decision!.details.subject!;
    const data = group.filter((f) => f.decision!.explanations.some((ex) => ex.flows.some((e) => e.to === `{storage for ${subject}}` && e.steps.some((st) => st.reason === 'interface-converted'))));
    if (data.length === 0 || data.length === group.length) continue;
    for (const f of group) if (!data.includes(f)) boxes.add(f);
  }
  return boxes;
}

/** A box decision's message: about the copy of the value an interface holds, not the value. */
function boxMessage(f: Finding): string {
  // The value as the message quotes it, after "inside `F`, inlined here, " when it is in an inlined callee.
  const m = /^((?:inside .*?, inlined here, )?)(`[^`]+`) /.exec(f.message);
  return m ? `${m[1]}the copy of ${m[2]} that an interface holds ${f.message.slice(m[0].length)}` : f.message;
}

/** Whether an expression is a sum at its top level (` + ` outside parentheses, brackets, braces and literals). */
function topLevelPlus(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const close = c;
      for (i++; i < s.length && s[i] !== close; i++) if (close !== '`' && s[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && c === '+' && s[i - 1] === ' ' && s[i + 1] === ' ') return true;
  }
  return false;
}

/** The allocator categories that can carry out a heap decision. */
export function decisionCategories(d: CompilerDecision | null): ReadonlySet<AllocCategory> {
  if (d?.kind === 'escape.closure') return new Set(['object']);
  if (d === null || d.kind !== 'escape.heap') return new Set(['object', 'convert']);
  const s = (d.details.subject ?? '').trim();
  if (/^make\(map\b|^map\[/.test(s)) return new Set(['map']);
  if (/^make\(chan\b/.test(s)) return new Set(['object']);
  // A closure is its captured variables' struct (`newobject`); one that captures nothing is static.
  if (s === 'func literal') return new Set(['object']);
  // `make(Map)` of a named map type reads like a slice's: either.
  if (/^make\(/.test(s)) return new Set(['slice', 'object', 'map']);
  if (/^append\b/.test(s)) return new Set(['growslice']);
  // A concatenation whose first operand is a conversion (`string(r) + "a"`, go-runewidth v0.0.31
  // runewidth_test.go:810 took the operand's `intstring`) is a concatenation.
  // A sum with a number (`n + 1`) is not a string: boxed into an interface (pkg/errors v0.9.1
  // format_test.go:503 `t.Fatalf(…, n+1, i+1, format, …)`: seven values, seven conversions, not
  // shared out while `n + 1` read as a concatenation; trial I).
  if (topLevelPlus(s) && /(?:^|[\s(])[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?(?=$|[\s)])/.test(s) && !/["'`]/.test(s)) return new Set(['object', 'convert']);
  if (topLevelPlus(s)) return new Set(['concat']);
  // `[]byte("…")` of a constant: an array of a known size (`newobject`), then a copy (fatih/color
  // v1.19.0 color_test.go:644 took the `stringtoslicebyte` of `[]byte(result)` beside it).
  if (/^\(?\[\]byte\)?\((?:"|`)/.test(s)) return new Set(['object']);
  if (/^\(?\[\](byte|rune)\)?\(|^string\(/.test(s)) return new Set(['bytes']);
  if (/ \+ /.test(s)) return new Set(['concat']);
  if (/^\[\]/.test(s)) return new Set(['slice', 'object']);
  // A literal of a named type may be a map's (`logrus.Fields{...}`: `runtime.makemap_small`, logrus
  // v1.10.2 formatter_bench_test.go:93 left it for an `alloc.map` of its own); a struct's never calls one.
  if (/^[\w.]+(?:\[[^\]]*\])?\{\.\.\.\}$/.test(s)) return new Set(['object', 'convert', 'map']);
  return new Set(['object', 'convert']);
}

/**
 * The evidence of a set of calls: `yes` when one of them always allocates, `may` otherwise. Calls
 * no heap decision accounts for (`unannounced`) make slices only past the stack buffer: `may`.
 */
export function evidenceOf(calls: readonly AllocCall[], unannounced = false): CodeEvidence {
  if (calls.length === 0) return { allocates: 'no', calls: [] };
  const always = calls.some((c) => {
    const info = allocatorInfo(c.fn);
    // A heap decision's value escapes: what always allocates for an escaping value counts as always.
    return (info?.always === true && !(unannounced && info.category === 'slice')) || (!unannounced && info?.escapingAlways === true);
  });
  return { allocates: always ? 'yes' : 'may', calls: [...new Set(calls.map((c) => c.fn))] };
}

/**
 * A heap decision's message when run-time values decide whether its allocator allocates: "may be
 * allocated", and on what it depends (`p.X` boxed by `runtime.convT64`, which small values skip).
 */
export function mayMessage(message: string, calls: readonly AllocCall[], subject = ''): string {
  return mayWith(message, dependsOf(calls, subject));
}

/** On what run-time values the allocator calls' allocating depends, for an escaping value (`subject`, as the compiler prints it). */
function dependsOf(calls: readonly AllocCall[], subject: string): string {
  // A float converted for boxing goes through `convT64`/`convT32` too, whose static table holds
  // the bit patterns of small integers: for a float, only zero (golang-jwt/jwt v5.3.1
  // map_claims_test.go:117 `float64(…)`: AllocsPerRun 0 for 0, 1 for 1, 100 and 255).
  const float = /^float(32|64)\(/.test(subject.trim());
  // The message is a heap decision's: the value escapes, so only what holds for escaping values counts.
  return [
    ...new Set(
      calls
        .map((c) => {
          const info = allocatorInfo(c.fn);
          if (float && /^runtime\.convT(32|64)$/.test(c.fn)) return 'not for zero';
          return info?.escaping ?? info?.dependsOn;
        })
        .filter((d): d is string => !!d),
    ),
  ].join('; ');
}

/** A heap decision's message with "is allocated on the heap" made "may be allocated on the heap (condition)". */
function mayWith(message: string, condition: string): string {
  const m = / is (allocated on|moved to) the heap/.exec(message);
  if (!m) return message;
  return `${message.slice(0, m.index)} may be ${m[1]} the heap${condition ? ` (${condition})` : ''}${message.slice(m.index + m[0].length)}`;
}

/** The sentence `check --explain` and the hover show under a finding: what the compiled code does. */
export function evidenceText(f: Finding): string | null {
  const e = f.evidence;
  if (e === undefined || e === null) return null;
  if (e.allocates === 'no') return f.kind === 'escape.free' ? 'compiled code: no allocator call on this line' : null;
  if (e.calls.length === 0 && e.allocates === 'may')
    return 'compiled code: no `runtime.growslice` on this line: the array grows through a call positioned on another line (Go 1.26 appends into a stack buffer first)';
  if (e.calls.length === 0) return 'compiled code: allocated with other variables of the function in one call (no allocator call on this line)';
  const calls = e.calls.map((c) => `\`${c}\``).join(', ');
  if (e.allocates === 'yes') return `compiled code: calls ${calls}`;
  // Routines that always allocate: "may" is the path's, not theirs (brotli/pkg/errors, trial I).
  const always = e.calls.every((c) => allocatorInfo(c)?.always === true || allocatorInfo(c)?.escapingAlways === true);
  if (always) return `compiled code: calls ${calls} on some paths only`;
  // A growth routine allocates whenever it is called: what may not happen is the call (trial K:
  // "calls `runtime.growslice`, which may not allocate").
  const growth = e.calls.map((c) => allocatorInfo(c));
  if (growth.every((i) => i?.category === 'growslice' && i.dependsOn)) return `compiled code: calls ${calls}, ${[...new Set(growth.map((i) => i?.dependsOn ?? ''))].join('; ')}`;
  return `compiled code: calls ${calls}, which may not allocate`;
}

/** Messages of the `alloc.*` findings made from calls no decision accounts for. */
function allocMessage(category: AllocCategory, calls: readonly AllocCall[], firstEntry = false, written: string | null = null): string {
  const fns = [...new Set(calls.map((c) => c.fn))];
  const named = fns.map((f) => `\`${f}\``).join(', ');
  if (firstEntry) return `the map's first entry allocates the map's slots on the heap (${named}): a small map gets them at its first insert`;
  const info = allocatorInfo(fns[0] ?? '');
  const may = evidenceOf(calls, true).allocates === 'may';
  const depends = may && info?.dependsOn ? `: ${info.dependsOn}` : '';
  const inlined = calls.find((c) => c.inlinedFrom !== null)?.inlinedFrom;
  const from = inlined ? ` in code inlined from ${inlinedName(inlined.func)}` : '';
  switch (category) {
    case 'growslice':
      return fns.every((f) => f.startsWith('runtime.moveSlice'))
        ? `a slice \`append\` built on the stack may be moved to the heap when it leaves the function (${named})${from}`
        : `\`append\` may grow the backing array on the heap (${named})${from}${depends}`;
    case 'concat':
      return `string concatenation ${may ? 'may allocate' : 'allocates'} (${named})${from}${depends}`;
    case 'convert':
      return `converting a value to an interface ${may ? 'may copy' : 'copies'} it to the heap (${named})${from}${depends}`;
    case 'bytes': {
      // The conversion as written on the line when the range is one (`[]byte(chunk)`, not a template).
      const conv = (form: RegExp, otherwise: string): string => (written !== null && !from && written.length <= 60 && form.test(written) ? code(written) : otherwise);
      if (fns.some((f) => f === 'runtime.slicerunetostring')) return `${conv(/^string\(/, '`string(…)`')} encodes the runes into a new string (${named})${from}${depends}`;
      if (fns.some((f) => f === 'runtime.slicebytetostring')) return `${conv(/^string\(/, '`string(…)`')} copies the bytes into a new string (${named})${from}${depends}`;
      if (fns.some((f) => f === 'runtime.stringtoslicerune')) return `${conv(/^\[\]rune\(/, '`[]rune(…)`')} copies the string's runes into a new slice (${named})${from}${depends}`;
      return `${conv(/^\[\]byte\(/, '`[]byte(…)`')} copies the string (${named})${from}${depends}`;
    }
    case 'map':
      return fns.every((f) => f.startsWith('runtime.mapassign'))
        ? `assigning to a map may grow it on the heap (${named})${from}${depends}`
        : `the map's storage ${may ? 'may be' : 'is'} allocated on the heap (${named})${from}${depends}`;
    case 'slice':
      return `\`make\` allocates the slice on the heap when its size is not a small constant (${named})${from}: escape analysis keeps it on the stack, and Go 1.25+ uses a 32-byte stack buffer when the size fits`;
    case 'object':
      if (fns.every((f) => f.startsWith('runtime.makechan'))) return `\`make(chan …)\` allocates the channel on the heap (${named})${from}`;
      // `go f(x)`: the compiler makes a closure of the call and its arguments (it prints no decision for it).
      if (fns.includes('runtime.newproc')) return `the \`go\` statement allocates its call and arguments on the heap, as a closure for the new goroutine (${named})${from}`;
      return `the compiled code ${may ? 'may allocate' : 'allocates'} here (${named})${from}${depends}`;
  }
}

/**
 * An inlined function as a message names it: `example.com/p.(*T).M` → `` `(*T).M` ``. The object
 * file names a function of another package by its package only (`net/textproto`): then "the
 * `textproto` package".
 */
export function inlinedName(sym: string): string {
  // Type arguments are the compiler's shapes (`maps.Copy[go.shape.map[string]interface {},…]`,
  // logrus v1.10.2 entry.go:185), and may hold paths: the function's own name without them.
  const bare = withoutTypeArguments(sym);
  const rest = bare.slice(bare.lastIndexOf('/') + 1);
  const dot = rest.indexOf('.');
  // A closure (`TestValuesFromForm.func2`), a range-over-func loop body (`Result.Path-range1`) in words.
  if (dot >= 0) return functionWords(rest.slice(dot + 1));
  // A module's major version is not the package's name: `github.com/labstack/echo/v4` is echo. A
  // last element that cannot be a name (`github.com/json-iterator/go`, whose package is jsoniter)
  // leaves the path whole.
  const parts = sym.split('/');
  const name = /^v\d+$/.test(rest) && parts.length > 1 ? (parts[parts.length - 2] as string) : rest;
  return GO_KEYWORDS.has(name) || !/^[A-Za-z_]\w*$/.test(name) ? `the \`${bare}\` package` : `the \`${name}\` package`;
}

const GO_KEYWORDS: ReadonlySet<string> = new Set(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(' '),
);

const CATEGORY_KIND: Record<AllocCategory, string> = {
  growslice: 'alloc.growslice',
  concat: 'alloc.concat',
  convert: 'alloc.convert',
  bytes: 'alloc.bytes',
  map: 'alloc.map',
  slice: 'alloc.object',
  object: 'alloc.object',
};

/** Tree-sitter node types an allocation of each category is written as, most specific first. */
const CATEGORY_NODES: Record<AllocCategory, readonly string[]> = {
  growslice: ['call_expression'],
  concat: ['assignment_statement', 'binary_expression'],
  convert: [],
  bytes: ['call_expression', 'type_conversion_expression'],
  map: ['assignment_statement', 'call_expression', 'composite_literal'],
  slice: ['call_expression', 'composite_literal'],
  object: ['composite_literal', 'unary_expression', 'func_literal', 'call_expression'],
};

/** The range of an `alloc.*` finding: the expression on the line that allocates, else the line's code. */
function allocRange(sources: SourceCache, file: string, line: number, category: AllocCategory, calls: readonly AllocCall[] = []): ByteRange {
  const src = sources.get(file);
  const whole: ByteRange = { line, column: 1, endLine: line, endColumn: 1 };
  if (src === null) return whole;
  const row = line - 1;
  if (row >= src.lines.lineCount) return whole;
  const start = src.lines.lineStart(row);
  const end = src.lines.lineEnd(row);
  const lineText = src.text.slice(start, end);
  // Code inlined from a call is that call's: not an operator or literal of the line (echo v4.16.5
  // extractor_test.go:557 put a closure's concatenation on `givenRequest: f(nil),` with its key and comma).
  const inlined = calls.length > 0 && calls.every((c) => c.inlinedFrom !== null) ? inlinedCallOnLine(src, line, calls) : null;
  if (inlined) return src.byteRange(inlined.start, inlined.end);
  const types = CATEGORY_NODES[category];
  if (types.length > 0) {
    const text = src.text;
    const match = nodesOnLine(src, line, types).find((n) => {
      const nodeText = text.slice(n.start, n.end);
      switch (category) {
        case 'growslice':
          return nodeText.startsWith('append(');
        case 'concat':
          // `s += strings.Repeat(" ", a+b)`: the assignment, not the integer sum inside it (go-runewidth v0.0.31 runewidth.go:726).
          if (n.type === 'assignment_statement') return text.startsWith('+=', n.reported);
          return n.reported > n.start && text.startsWith('+', n.reported) && !text.startsWith('++', n.reported);
        case 'bytes':
          return conversionForm(calls).test(nodeText);
        case 'map':
          return n.type === 'assignment_statement' ? text.slice(n.start, n.reported).includes('[') : /^(make\(map|map\[)/.test(nodeText);
        case 'convert':
        case 'object':
        case 'slice':
          return true;
      }
    });
    if (match) return src.byteRange(match.start, match.end);
  }
  // The code of the line without its indentation and trailing comment.
  const code = lineText.replace(/\s*\/\/.*$/, '').trimEnd();
  const first = firstNonBlank(code);
  if (code.length === 0) return whole;
  // A line of punctuation alone (`}{` between a map literal's type and its elements) is inside
  // the expression that allocates: the innermost literal or call around it, from the lines above.
  if (/^[\p{P}\p{S}\s]+$/u.test(code)) {
    for (let l = line - 1; l >= Math.max(1, line - MAX_LINES_UP); l--) {
      const around = nodesOnLine(src, l, ENCLOSING_NODES).filter((n) => n.start < start + first && n.end > start + first);
      const inner = around[around.length - 1];
      if (inner) return src.byteRange(inner.start, inner.end);
    }
  }
  return src.byteRange(start + first, start + code.length);
}

const CALL_NODES: readonly string[] = ['call_expression'];

/** The conversion a line's calls of the `bytes` category carry out: `[]rune(`, `[]byte(`, `string(` (any, when they are several kinds). */
function conversionForm(calls: readonly AllocCall[]): RegExp {
  const fns = new Set(calls.map((c) => c.fn));
  if (fns.size === 1 && fns.has('runtime.stringtoslicerune')) return /^\(?\[\]rune\)?\(/;
  if (fns.size === 1 && fns.has('runtime.stringtoslicebyte')) return /^\(?\[\]byte\)?\(/;
  if (fns.size > 0 && [...fns].every((f) => /tostring$|intstring$/.test(f))) return /^string\(/;
  return /^(\(?\[\](byte|rune)\)?|string)\(/;
}

/**
 * The call on a line that inlined code comes from: the one whose callee is named like the outermost
 * function the calls were inlined from, else the line's one outermost call; null when neither tells.
 */
function inlinedCallOnLine(src: NonNullable<ReturnType<SourceCache['get']>>, line: number, calls: readonly AllocCall[]): { start: number; end: number } | null {
  const onLine = nodesOnLine(src, line, CALL_NODES);
  const names = new Set(calls.map((c) => lastName(c.inlinedVia[c.inlinedVia.length - 1] ?? '')));
  const named = onLine.filter((n) => n.part !== null && names.has(lastName(src.text.slice(n.part.start, n.part.end))));
  if (named.length === 1) return named[0]!;
  const outermost = onLine.filter((n) => !onLine.some((m) => m !== n && m.start <= n.start && m.end >= n.end));
  return named.length === 0 && outermost.length === 1 ? outermost[0]! : null;
}

/**
 * The first line of the `map[…]{…}` literal a line's code is inside (starting on it or above), or
 * null: none, or the line assigns by index.
 */
function mapLiteralLine(sources: SourceCache, file: string, line: number): number | null {
  const src = sources.get(file);
  if (src === null) return null;
  const row = line - 1;
  if (row >= src.lines.lineCount) return null;
  const start = src.lines.lineStart(row);
  const lineText = src.text.slice(start, src.lines.lineEnd(row));
  const first = start + firstNonBlank(lineText);
  const end = start + lineText.replace(/\s*\/\/.*$/, '').trimEnd().length;
  if (assignsByIndex(sources, file, line)) return null;
  for (let l = line; l >= Math.max(1, line - MAX_LINES_UP); l--) {
    // The entries' lines of a literal, or (on its own line) a literal written on one line
    // (`take(Fields{"a": 1, "b": 2})`, logrus v1.10.2 logrus_test.go:823: 0 allocations) or
    // opened there (`log.WithFields(logrus.Fields{`, example_basic_test.go:50).
    const around = nodesOnLine(src, l, MAP_LITERAL_NODES).filter(
      (n) => ((n.start <= first && n.end >= end) || (l === line && (n.end <= end || n.start >= start))) && mapLiteral(src.text.slice(n.start, n.end)),
    );
    if (around.length > 0) return l;
  }
  return null;
}

/**
 * Whether a composite literal can be a map's: `map[K]V{…}`, or a named type with keys
 * (`logrus.Fields{logrus.ErrorKey: value}`). A struct's literal never calls `mapassign`, and the
 * line has no assignment by index, so a keyed literal there is a map's.
 */
function mapLiteral(text: string): boolean {
  return text.startsWith('map[') || /^[\w.]+(?:\[[^\]]*\])?\s*\{[^]*:/.test(text);
}

/** Whether a line assigns by index (`m[k] = v`, `m[k]++`): its `mapassign` is that assignment's. */
function assignsByIndex(sources: SourceCache, file: string, line: number): boolean {
  const src = sources.get(file);
  return src !== null && line <= src.lines.lineCount && nodesOnLine(src, line, ASSIGNMENT_NODES).some((n) => src.text.slice(n.start, n.reported).includes('['));
}

const MAP_LITERAL_NODES: readonly string[] = ['composite_literal'];
const ASSIGNMENT_NODES: readonly string[] = ['assignment_statement', 'inc_statement', 'dec_statement'];

/** Expressions an allocation on a line of punctuation alone can belong to. */
const ENCLOSING_NODES: readonly string[] = ['composite_literal', 'call_expression', 'func_literal'];
/** How far up an enclosing expression is looked for. */
const MAX_LINES_UP = 200;

/** Whether a boxed value is plainly a string (its box must be `convTstring` or `convT`). */
function plainlyString(subject: string): boolean {
  return /^"|^string\(|^fmt\.Sprint|^strconv\.(Itoa|Format|Quote)|\.String\(\)$| \+ "|" \+ /.test(subject);
}

/**
 * The conversion calls of a line shared out among the values boxed there, one each, when they pair
 * up: as many values (each printed once per flow: one per range) as `convT*` calls, all in one
 * function and none inlined. The compiled code boxes them in the order they are evaluated, inner
 * values before the calls that take them (`fmt.Sprintf("%s", fmt.Sprintf("%d", x))`: `x`'s
 * `convT64`, then the inner result's `convTstring`), so by where each value ends. Without a
 * split, every value of the line took every call and all their conditions (shopspring/decimal
 * v1.6.0 decimal_test.go:1671: an `int32` "is allocated" because the `Decimal` beside it is boxed
 * by `convT`; logrus v1.10.2 text_formatter.go:280: strings "not for an integer from 0 to 255").
 * A line that does not pair up (a byte-sized value boxed from static data, a literal boxed by
 * `newobject`) keeps the line's calls for each value.
 */
function boxedValueCalls(findings: readonly Finding[], evidence: RunEvidence, boxes: ReadonlySet<Finding>, freeOf: (f: Finding) => string | null): Map<Finding, AllocCall> {
  const values = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    if (f.compiler === null || f.kind !== 'escape.heap' || f.inlinedAt !== undefined || freeOf(f) !== null) continue;
    if (!boxes.has(f) && (writesObject(f.decision) || !decisionCategories(f.decision).has('convert'))) continue;
    const line = lineKey(f.file, f.compiler.line);
    const byRange = values.get(line) ?? new Map<string, Finding[]>();
    values.set(line, byRange);
    const k = `${f.line}:${f.column}:${f.endLine}:${f.endColumn}`;
    byRange.set(k, [...(byRange.get(k) ?? []), f]);
  }
  const shares = new Map<Finding, AllocCall>();
  for (const [line, byRange] of values) {
    if (byRange.size < 2) continue;
    const calls = (evidence.byLine.get(line) ?? []).filter((c) => allocatorInfo(c.fn)?.category === 'convert');
    if (calls.length !== byRange.size || calls.some((c) => c.inlinedFrom !== null || c.symbol !== calls[0]!.symbol)) continue;
    const ordered = [...byRange.values()].sort((a, b) => a[0]!.endLine - b[0]!.endLine || a[0]!.endColumn - b[0]!.endColumn || b[0]!.column - a[0]!.column);
    const plausible = ordered.every((group, i) => !plainlyString(group[0]!.decision?.details.subject ?? '') || /^runtime\.convT(string|noptr)?$/.test(calls[i]!.fn));
    if (!plausible) continue;
    ordered.forEach((group, i) => {
      for (const f of group) shares.set(f, calls[i]!);
    });
  }
  return shares;
}

/**
 * The findings with their `evidence`: heap decisions confirmed or turned free, and an `alloc.*`
 * finding for each line and kind of allocator call no heap decision accounts for (only in the
 * files whose compiled code was read).
 */
export function joinEvidence(findings: readonly Finding[], evidence: RunEvidence, sources: SourceCache): Finding[] {
  // Each decision's reason to be free, once (the passes below all ask; it reads the explanation's flows).
  const free = new Map(findings.map((f) => [f, freeReason(f.decision, f.nodeType)] as const));
  const freeOf = (f: Finding): string | null => free.get(f) ?? null;
  const claimed = new Set<AllocCall>();
  const out: Finding[] = [];
  // The lines with a heap decision about an object the code writes (`&T{...}`, `new(T)`, a
  // literal, a closure): their `newobject` is that object's.
  const objectLines = new Set<string>();
  const boxes = interfaceBoxes(findings);
  // And the lines with a value boxed into an interface: their `convT*` is that value's.
  const boxingLines = new Set<string>();
  // The values a conversion to an interface on a line can be of: its one string or slice made there
  // (`t.Fatal(msg + "short write")`: the concatenation's decision takes its `concatstring2`, the
  // boxing's `convTstring` is left, compress v1.17.11 fuzz_test.go:85).
  const madeOnLine = new Map<string, Finding[]>();
  const shares = boxedValueCalls(findings, evidence, boxes, freeOf);
  // The lines of each file with a `moveSlice` (growthInFunction).
  const moveLines = new Map<string, number[]>();
  for (const calls of evidence.byLine.values()) {
    for (const c of calls) if (c.fn.startsWith('runtime.moveSlice')) moveLines.set(c.file, [...(moveLines.get(c.file) ?? []), c.line]);
  }
  // The lines with a heap decision of their own (a literal's calls are looked for on the others).
  const decisionLines = new Set(findings.filter((f) => f.compiler !== null && HEAP_DECISION_KINDS.has(f.kind)).map((f) => lineKey(f.file, f.compiler!.line)));
  // The objects written inside inlined callees that can take each object allocation (by subject:
  // one per flow or copy printed).
  const competitors = new Map<AllocCall, Set<string>>();
  for (const f of findings) {
    if (f.compiler === null || f.kind !== 'escape.heap' || f.inlinedAt === undefined || !writesObject(f.decision) || freeOf(f) !== null) continue;
    for (const c of inlinedCandidates(f, evidence)) {
      if (allocatorInfo(c.fn)?.category === 'object') competitors.set(c, (competitors.get(c) ?? new Set()).add(f.decision?.details.subject ?? ''));
    }
  }
  for (const f of findings) {
    // A free decision (a constant, a zero-sized value) takes no call and leaves the others theirs.
    // A closure is an object too (bits-and-blooms/bitset v1.29.0 bitset_test.go:2449,
    // `t.Run(fmt.Sprint(i), func(…) {…})`: `i` "is allocated" with the closure's `newobject`; trial J).
    if (f.compiler === null || (f.kind !== 'escape.heap' && f.kind !== 'escape.closure') || freeOf(f) !== null) continue;
    const line = lineKey(f.file, f.compiler.line);
    const made = decisionCategories(f.decision);
    if (writesObject(f.decision) && !boxes.has(f)) objectLines.add(line);
    else if (made.has('convert')) boxingLines.add(line);
    if (f.endLine === f.line && (made.has('concat') || made.has('bytes') || made.has('slice'))) madeOnLine.set(line, [...(madeOnLine.get(line) ?? []), f]);
  }
  for (const f of findings) {
    if (f.compiler === null || !evidence.filesRead.has(f.file)) {
      // A constant or a zero-sized value is free whatever the code around it (`"max"` in a closure
      // of another package inlined here, whose file this package's code does not hold).
      const reason = f.compiler === null || !HEAP_DECISION_KINDS.has(f.kind) ? null : freeOf(f);
      out.push(f.compiler === null ? f : reason !== null ? freeFinding(f, reason) : withFields(f, { evidence: null }));
      continue;
    }
    if (!HEAP_DECISION_KINDS.has(f.kind)) {
      out.push(withFields(f, { evidence: { allocates: 'no', calls: [] } }));
      continue;
    }
    // What an inlined callee allocates is done by code inlined through it (inlinedCandidates), not
    // by another call's inlined code on the line (echo v4.16.5 bind_test.go:231:
    // `context.Background()`'s zero-sized `backgroundCtx{}` took the `newobject` of
    // `strings.NewReader`'s `&Reader{...}`). Not a variable moved to the heap: an inlined callee's
    // parameter is allocated by the caller's code at the call (fatih/color v1.19.0 color.go:502
    // `boolPtr(true)`: its `newobject` was an anonymous hint).
    const lineCalls = evidence.byLine.get(lineKey(f.file, f.compiler.line)) ?? [];
    const onLine = f.inlinedAt === undefined || f.kind === 'escape.moved' ? lineCalls : inlinedCandidates(f, evidence);
    const unreached = unreachedErrorsNew(f, sources);
    const reason = freeOf(f) ?? unreached;
    // The box takes its conversion call; without one on its line it is read as any decision.
    const box = boxes.has(f) && onLine.some((c) => allocatorInfo(c.fn)?.category === 'convert');
    const categories = box ? BOX_CATEGORIES : decisionCategories(f.decision);
    // A value boxed into an interface does not take the object allocation of another decision on
    // its line: `fmt.Errorf("bad %d", n)` calls `runtime.newobject` for the inlined
    // `&errors.errorString{...}` and `runtime.convT64` for `n`, which does not allocate for 0 to
    // 255 (compress v1.17.11 flate said "`i` is allocated" of a level from -2 to 9).
    // And the object does not take the boxing's `convT*`.
    const line = lineKey(f.file, f.compiler.line);
    const object = f.kind === 'escape.heap' && writesObject(f.decision) && !box;
    const notMine = f.kind !== 'escape.heap' || !categories.has('convert') ? null : object ? (boxingLines.has(line) ? 'convert' : null) : objectLines.has(line) ? 'object' : null;
    // A literal of a named type does not take the `mapassign` of the line's assignment by index
    // (gorilla/schema v1.4.1 decoder.go:96, `errors[path] = UnknownKeyError{...}`, said "only when
    // the map is full and grows" of the struct).
    const byIndex = /^[\w.]+(?:\[[^\]]*\])?\{\.\.\.\}$/.test(f.decision?.details.subject?.trim() ?? '') && assignsByIndex(sources, f.file, f.compiler.line);
    const onItsLine = onLine.filter((c) => {
      const category = allocatorInfo(c.fn)?.category ?? 'object';
      return categories.has(category) && category !== notMine && !(byIndex && c.fn.startsWith('runtime.mapassign'));
    });
    // A literal over many lines may be allocated at its last element's line (mapstructure v2.5.0
    // decode_hooks_test.go:1882-1973: the `newobject` of a 79-element array at 1973, and the
    // literal said free): its calls on lines where no other heap decision is.
    const matching =
      onItsLine.length === 0 && onLine.length === 0 && f.endLine > f.line && /\{\.\.\.\}$/.test(f.decision?.details.subject ?? '')
        ? spanCalls(f, evidence, decisionLines, claimed).filter((c) => categories.has(allocatorInfo(c.fn)?.category ?? 'object'))
        : onItsLine;
    // A decision whose own kind of allocator is absent still owns the line's other calls: the
    // compiler may carry it out with another routine (a boxed struct through newobject). Not an
    // `append`: a concatenation or a boxing is never its growth (cobra v1.10.2 yaml_docs.go:132
    // took the line's concatenation and its "not when the result is empty").
    // Nor a closure: it is allocated by `newobject` or not at all (zerolog v1.35.1 log.go:411, a
    // closure capturing nothing, took the line's `convTstring` and its "not for the empty string").
    // Nor code inlined from another function, or a call that is another decision's kind (msgpack v5.4.1
    // decode.go:341: a byte boxed from static data took `fmt.Errorf`'s inlined `newobject`; trial J).
    const share = shares.get(f);
    const mine =
      share !== undefined
        ? [share]
        : reason !== null
          ? []
          : matching.length > 0
            ? f.inlinedAt !== undefined
              ? [...writingSubject(matching, f.decision?.details.subject ?? '', sources)]
              : matching
            : categories.has('growslice') || closure(f.decision)
              ? []
              : onLine.filter((c) => (f.inlinedAt !== undefined || c.inlinedFrom === null) && (allocatorInfo(c.fn)?.category ?? 'object') !== notMine);
    if (mine.length > 0) {
      for (const c of mine) claimed.add(c);
      // More objects inside an inlined callee than allocations for them: some are on paths the
      // arguments rule out (shopspring/decimal v1.6.0 const.go:11 `big.NewInt(0)`: `&Int{...}` and
      // `[]Word{...}` for one `newobject`, AllocsPerRun 1).
      // A value made as `panic`'s argument is allocated only on the path that panics (gorilla/schema
      // v1.4.1 converter.go:156: `reflect.Value.Float`'s `panic(&ValueError{...})`, inlined, said "is").
      if (forPanicOnly(f.decision)) {
        const said = box ? boxMessage(f) : f.message;
        const joined = withFields(f, { evidence: { ...evidenceOf(mine), allocates: 'may' }, message: mayWith(said, 'only on the path that panics') });
        if (box) markBox(joined);
        out.push(joined);
        continue;
      }
      const objects = mine.filter((c) => allocatorInfo(c.fn)?.category === 'object');
      const rivals = new Set(objects.flatMap((c) => [...(competitors.get(c) ?? [])]));
      const outnumbered = object && f.inlinedAt !== undefined && objects.length > 0 && rivals.size > objects.length;
      const branch = !outnumbered && f.inlinedAt !== undefined ? inlinedBranch(mine, sources, f.file) : null;
      const calls = evidenceOf(mine);
      const e = outnumbered || branch !== null ? { ...calls, allocates: 'may' as const } : calls;
      const said = box ? boxMessage(f) : f.message;
      const depends = calls.allocates === 'may' ? dependsOf(mine, f.decision?.details.subject ?? '') : '';
      const joined = withFields(
        f,
        outnumbered
          ? {
              evidence: e,
              message: mayWith(said, 'the compiled code has fewer allocations here than objects the inlined code writes: some are only on paths its arguments may rule out'),
            }
          : e.allocates === 'may'
            ? { evidence: e, message: mayWith(said, [branch, depends].filter(Boolean).join('; ')) }
            : { evidence: e, message: said },
      );
      if (box) markBox(joined);
      out.push(joined);
      continue;
    }
    // An `append` grows its array only when the capacity is too small, and its `growslice` can sit
    // on another line (Go 1.26 appends into a stack buffer first, `moveSlice` later): never free.
    // Inside an inlined callee its growth is credited to this line: with none, the compiler removed
    // that `append` (zerolog v1.35.1 log_example_test.go:461 `New(w).With()`: `l.context` is nil, the
    // function has no `growslice`). Elsewhere only a `moveSlice` of the function may stand for it:
    // without one it never grows (xxhash v2.3.0 MarshalBinary's appends into `make([]byte, 0, 76)`,
    // AllocsPerRun 1, the make).
    const grows = f.inlinedAt === undefined && growthInFunction(f, moveLines, sources);
    if (reason === null && categories.has('growslice') && grows) {
      out.push(withFields(f, { evidence: { allocates: 'may', calls: [] }, message: mayMessage(f.message, [{ fn: 'runtime.growslice' } as AllocCall]) }));
      continue;
    }
    // A variable moved to the heap always has heap storage: from Go 1.26 the compiler allocates
    // several of a function's moved variables in one `runtime.mallocgc` (example demo.go: `total`
    // at line 47 lives in the 16 bytes allocated for `mu` at line 45), so its line may have no call.
    if (reason === null && (f.kind === 'escape.moved' || f.kind === 'loopvar.heap')) {
      out.push(withFields(f, { evidence: { allocates: 'yes', calls: [] } }));
      continue;
    }
    // `make([]struct{}, n)` still calls `makeslice`, which returns the zerobase, and an unreached
    // `errors.New` still has its `newobject`: the call is theirs, and allocates nothing.
    if (reason !== null && (unreached !== null || /^make\(/.test(f.decision?.details.subject?.trim() ?? ''))) for (const c of matching) claimed.add(c);
    const why =
      reason ??
      (categories.has('growslice')
        ? f.inlinedAt === undefined
          ? 'the compiled code has no `runtime.growslice` for this `append`: the compiler proved the capacity suffices'
          : 'the compiled code has no `runtime.growslice` for this inlined `append`: the compiler removed it (a branch the arguments rule out)'
        : lineCalls.length > onLine.length
          ? 'the compiled code has no allocator call for it (the calls on this line are in code inlined from other functions)'
          : 'the compiled code has no allocator call on this line (the value is in static data, or the compiler removed the allocation)');
    out.push(freeFinding(f, why));
  }
  // The calls no decision accounts for: one finding per line and kind.
  const groups = new Map<string, { file: string; line: number; category: AllocCategory; calls: AllocCall[]; packagePath: string }>();
  const packageOf = new Map(findings.map((f) => [f.file, f.packagePath]));
  // A map literal's entries go into a map made for all of them: a stack map of 8 slots, or one
  // `runtime.makemap` sized by their count. They never grow it (gorilla/mux v1.8.1 mux_test.go:671
  // and 2893, 0 allocations on each entry line). A small map on the heap (`runtime.makemap_small`
  // on the literal's line) gets its slots at its first insert, and only then (go-toml v2.2.3
  // internal/testsuite/json.go:173: 288 bytes on the first entry's line, none on the others).
  const notGrowth = new Set<AllocCall>();
  const firstEntries = new Set<AllocCall>();
  const smallLiterals = new Map<string, AllocCall[]>();
  for (const calls of evidence.byLine.values()) {
    for (const c of calls) {
      if (claimed.has(c) || c.inlinedFrom !== null || !/^runtime\.mapassign/.test(c.fn)) continue;
      const literal = mapLiteralLine(sources, c.file, c.line);
      if (literal === null) continue;
      if ((evidence.byLine.get(lineKey(c.file, literal)) ?? []).some((x) => x.fn === 'runtime.makemap_small')) {
        const key = lineKey(c.file, literal);
        const inserts = smallLiterals.get(key);
        if (inserts) inserts.push(c);
        else smallLiterals.set(key, [c]);
      } else notGrowth.add(c);
    }
  }
  for (const inserts of smallLiterals.values()) {
    const first = inserts.reduce((min, c) => Math.min(min, c.line), Infinity);
    for (const c of inserts) (c.line === first ? firstEntries : notGrowth).add(c);
  }
  for (const calls of evidence.byLine.values()) {
    for (const c of calls) {
      // A call that allocates only for an escaping value, which no decision claimed: it does not.
      if (claimed.has(c) || notGrowth.has(c) || !evidence.filesRead.has(c.file) || allocatorInfo(c.fn)?.onlyEscaping) continue;
      const category = allocatorInfo(c.fn)?.category ?? 'object';
      const key = `${c.file}:${c.line}:${CATEGORY_KIND[category]}`;
      const g = groups.get(key);
      if (g) g.calls.push(c);
      else groups.set(key, { file: c.file, line: c.line, category, calls: [c], packagePath: packageOf.get(c.file) ?? '' });
    }
  }
  for (const g of groups.values()) {
    const kind = CATEGORY_KIND[g.category];
    // A small heap map's first entry is an allocation of its own (the map's slots), not a growth.
    const firstEntry = g.calls.every((c) => firstEntries.has(c));
    // One value, however many decisions the compiler printed for it (one per flow, or per compiled copy).
    const boxed = g.category === 'convert' ? [...new Map((madeOnLine.get(lineKey(g.file, g.line)) ?? []).map((f) => [`${f.column}:${f.endColumn}`, f])).values()] : [];
    const range =
      boxed.length === 1 ? { line: boxed[0]!.line, column: boxed[0]!.column, endLine: boxed[0]!.endLine, endColumn: boxed[0]!.endColumn } : allocRange(sources, g.file, g.line, g.category, g.calls);
    out.push({
      ...range,
      file: g.file,
      severity: kindInfo(kind).defaultSeverity,
      kind,
      message: allocMessage(g.category, g.calls, firstEntry, rangeText(sources, g.file, range)),
      compiler: null,
      related: g.calls
        .filter((c) => c.inlinedFrom !== null)
        .map((c) => ({
          file: c.inlinedFrom?.file ?? c.file,
          line: c.inlinedFrom?.line ?? c.line,
          // The frame names a line, not a column: its first.
          column: 1,
          message: `\`${c.fn}\` in ${inlinedName(c.inlinedFrom?.func ?? c.symbol)}, inlined here`,
        })),
      fixes: [],
      alloc: null,
      packagePath: g.packagePath,
      decision: null,
      evidence: firstEntry ? { ...evidenceOf(g.calls, true), allocates: 'yes' } : evidenceOf(g.calls, true),
    });
  }
  return out;
}
