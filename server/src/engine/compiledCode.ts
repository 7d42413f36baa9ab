// The "Show Compiled Code" view: the function under the cursor as the compiler produced it, read
// with `go tool objdump` from the package's export archive (the `Export` file of `go list -export`,
// so nothing is compiled again), grouped by source line, with every call into the runtime's
// allocators marked from the evidence stage's table (evidence.ts allocatorInfo).
//
// Everything here is pure except objdumpFunctions, which runs the go command's objdump.
import type Parser from 'tree-sitter';
import * as path from 'node:path';
import type { CompiledCodeLink } from '../protocol/messages';
import { allocatorInfo } from './evidence';
import { runGo } from './processes';

/** A Go function or method the way its source names it. */
export interface SourceFunction {
  /** The function's name (`init` for every init function). */
  name: string;
  /** The receiver's type name (no `*`, no type parameters) and whether it is a pointer; null for a function. */
  receiver: { type: string; pointer: boolean } | null;
  /** 1-based first line of the declaration. */
  line: number;
}

/** How the function reads for people: `NewPoint`, `(*Buffer).Write`, `T.String`. */
export function functionTitle(fn: SourceFunction): string {
  if (fn.receiver === null) return fn.name;
  return fn.receiver.pointer ? `(*${fn.receiver.type}).${fn.name}` : `${fn.receiver.type}.${fn.name}`;
}

/**
 * The function or method declaration that encloses a position of a tree (0-based row, UTF-16
 * column), or null when the position is outside every function body and signature (package-level
 * declarations, imports). A position inside a func literal gives the named function around it,
 * whose view includes its closures.
 */
export function enclosingFunction(root: Parser.SyntaxNode, row: number, column: number): SourceFunction | null {
  let node: Parser.SyntaxNode | null = root.descendantForPosition({ row, column });
  while (node !== null && node.type !== 'function_declaration' && node.type !== 'method_declaration') node = node.parent;
  if (node === null) return null;
  const name = node.childForFieldName('name')?.text;
  if (name === undefined) return null;
  const line = node.startPosition.row + 1;
  if (node.type === 'function_declaration') return { name, receiver: null, line };
  const param = node.childForFieldName('receiver')?.namedChildren.find((c) => c.type === 'parameter_declaration');
  let type = param?.childForFieldName('type') ?? null;
  let pointer = false;
  if (type?.type === 'pointer_type') {
    pointer = true;
    type = type.namedChildren[0] ?? null;
  }
  // A generic receiver (`*List[T]`): the symbol spells the type with its shape, matched separately.
  if (type?.type === 'generic_type') type = type.childForFieldName('type');
  if (type === null || type.type !== 'type_identifier') return null;
  return { name, receiver: { type: type.text, pointer }, line };
}

/** The package name of a Go file's tree (`package main` → `main`), or null. */
export function packageNameOf(root: Parser.SyntaxNode): string | null {
  const clause = root.namedChildren.find((c) => c.type === 'package_clause');
  return clause?.namedChildren.find((c) => c.type === 'package_identifier')?.text ?? null;
}

/**
 * The prefix of a package's symbols in its object file: cmd/internal/objabi.PathToPrefix, which
 * escapes control bytes, `%`, `"`, non-ASCII, and the dots of the last path element.
 */
export function symbolPrefix(importPath: string): string {
  const lastSlash = importPath.lastIndexOf('/');
  let out = '';
  const bytes = Buffer.from(importPath, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c <= 0x20 || c === 0x25 || c === 0x22 || c >= 0x7f || (c === 0x2e && i > lastSlash)) out += '%' + c.toString(16).padStart(2, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

/** `s` with every regexp metacharacter escaped (Go's regexp.QuoteMeta). */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * The `go tool objdump -s` pattern of a function and its closures in a package: `pkg.F`,
 * `pkg.(*T).M` or `pkg.T.M`, with the shapes of a generic instantiation (`[go.shape.int]`) and
 * the symbols of the func literals, `go` and `defer` wrappers inside it (`.func1`, `.func1.2`,
 * `.gowrap1`, `.deferwrap1`). `init` functions are numbered (`init.0`): every one of the package
 * matches. The package path is the object file's (symbolPrefix); a main package's symbols are `main.…`.
 */
export function symbolPattern(importPath: string, packageName: string | null, fn: SourceFunction): string {
  const pkg = packageName === 'main' ? 'main' : symbolPrefix(importPath.replace(/ \[.*\]$/, ''));
  const shape = '(\\[.*\\])?';
  let name: string;
  if (fn.receiver === null) name = fn.name === 'init' ? 'init\\.[0-9]+' : quoteMeta(fn.name) + shape;
  else if (fn.receiver.pointer) name = `\\(\\*${quoteMeta(fn.receiver.type)}${shape}\\)\\.${quoteMeta(fn.name)}`;
  else name = `${quoteMeta(fn.receiver.type)}${shape}\\.${quoteMeta(fn.name)}`;
  return `^${quoteMeta(pkg)}\\.${name}(\\.(func|gowrap|deferwrap)?[0-9]+)*$`;
}

/** One instruction of objdump's listing. */
export interface ObjdumpInstruction {
  /** The file as objdump prints it: its base name only. */
  file: string;
  line: number;
  /** Offset of the instruction in the object file's text, e.g. `0x828b`. */
  address: string;
  /** The instruction in Go assembly syntax, e.g. `CALL 0x8290`. */
  text: string;
  /** The symbol a call relocation names (`runtime.newobject`, ABI suffix removed); null for other instructions. */
  callTarget: string | null;
  /** Offset of the call's relocation from the function's first byte (as goObject.ts's ObjectCall.offset); null without a call. */
  callOffset: number | null;
  /** The other relocations' targets (`type:example.com/p.Point`), for reading. */
  references: string[];
}

/** One function of objdump's listing. */
export interface ObjdumpFunction {
  /** The symbol, e.g. `example.com/heapdemo.(*T).M`. */
  symbol: string;
  /** The function's file as the compiler recorded it (absolute, or `$GOROOT/…`). */
  file: string;
  instructions: ObjdumpInstruction[];
}

const TEXT_LINE = /^TEXT (.+)\(SB\) (.*)$/;
const RELOCATION = /^\[(\d+):\d+\](R_\w+):(.*)$/;

/** The functions of `go tool objdump` output (without -S), in order. */
export function parseObjdump(output: string): ObjdumpFunction[] {
  const funcs: ObjdumpFunction[] = [];
  let current: ObjdumpFunction | null = null;
  for (const raw of output.split('\n')) {
    const text = TEXT_LINE.exec(raw);
    if (text) {
      current = { symbol: text[1] as string, file: (text[2] as string).trim(), instructions: [] };
      funcs.push(current);
      continue;
    }
    if (current === null || !raw.startsWith('  ')) continue;
    // `  file.go:16\t0x828b\t\te800000000\t\tCALL 0x8290\t\t[1:5]R_CALL:runtime.newobject<1>\t`
    const fields = raw
      .trim()
      .split('\t')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    const [pos, address, , instruction, ...rest] = fields;
    const colon = pos?.lastIndexOf(':') ?? -1;
    if (pos === undefined || address === undefined || instruction === undefined || colon <= 0) continue;
    let callTarget: string | null = null;
    let callOffset: number | null = null;
    const references: string[] = [];
    // Addresses are in the object's text section; the function starts at its first instruction.
    const start = current.instructions[0]?.address ?? address;
    // Several relocations of one instruction are printed in one field, each starting with `[off:size]`.
    for (const r of rest.join(' ').split(/ (?=\[\d+:\d+\]R_)/)) {
      const m = RELOCATION.exec(r.trim());
      if (!m) continue;
      const target = (m[3] as string).replace(/<\d+>$/, '');
      if ((m[2] as string).startsWith('R_CALL')) {
        callTarget = target;
        callOffset = parseInt(address, 16) - parseInt(start, 16) + Number(m[1]);
      } else references.push(target);
    }
    current.instructions.push({ file: pos.slice(0, colon), line: Number(pos.slice(colon + 1)), address, text: instruction, callTarget, callOffset, references });
  }
  return funcs;
}

/** What the document shows besides the listing. */
export interface CompiledCodeContext {
  /** The function as people name it (functionTitle). */
  title: string;
  packagePath: string;
  /** The package's files (absolute): objdump prints base names, resolved against these. */
  files: readonly string[];
  /** The text of a source line (1-based), or null when unknown. */
  sourceLine(file: string, line: number): string | null;
  /** Lines put under the header, e.g. that the file changed since the compile. */
  notes?: readonly string[];
  /**
   * Where each allocator call of inlined code is credited (the evidence stage's AllocCall: the
   * line of the call the user wrote), by `symbol@offset` (callSiteKey); objdump prints only the
   * inlined function's own line.
   */
  callSites?: ReadonlyMap<string, { file: string; line: number; inlinedFrom: { func: string } | null }>;
}

/** The key of a call in CompiledCodeContext.callSites: its function symbol and relocation offset. */
export function callSiteKey(symbol: string, offset: number): string {
  return `${symbol}@${offset}`;
}

/** The compiled-code document: its text, its links to source lines, and how many allocator calls it marks. */
export interface CompiledCodeDocument {
  text: string;
  links: CompiledCodeLink[];
  allocatorCalls: number;
}

/** The file a base name printed by objdump stands for: the function's own file, else the one package file of that name. */
function resolveBase(base: string, fnFile: string, files: readonly string[]): string | null {
  if (path.basename(fnFile) === base && path.isAbsolute(fnFile)) return fnFile;
  const same = files.filter((f) => path.basename(f) === base);
  return same.length === 1 ? (same[0] as string) : null;
}

/** How many allocator calls the header names. */
const MAX_LISTED_CALLS = 8;

/** The mark after an allocator call: what it does, from the evidence stage's table. */
function allocatorNote(target: string): string | null {
  const info = allocatorInfo(target);
  if (info === null) return null;
  return info.always ? 'allocates' : `may allocate: ${info.dependsOn ?? 'depends on run-time values'}`;
}

/**
 * The read-only document of a function's compiled code: a header naming the function and package,
 * then each function (the named one and its closures) as a `TEXT` line followed by its
 * instructions, grouped under a `// file.go:NN  source` line per run of one source line. A call
 * into an allocator ends with `// allocates` or `// may allocate: <on what it depends>`. Code
 * inlined from another package is shown at the line objdump gives it, in that package's file,
 * which has no link, except its allocator calls: those link to the call the user wrote
 * (`callSites`), and say so.
 */
export function compiledCodeDocument(funcs: readonly ObjdumpFunction[], ctx: CompiledCodeContext): CompiledCodeDocument {
  const out: string[] = [];
  const links: CompiledCodeLink[] = [];
  let allocatorCalls = 0;
  const calls: string[] = [];
  /** The user's line an inlined call is credited to, when the evidence says it was inlined. */
  const inlinedSite = (fn: ObjdumpFunction, ins: ObjdumpInstruction): { file: string; line: number } | null => {
    if (ins.callOffset === null) return null;
    const site = ctx.callSites?.get(callSiteKey(fn.symbol, ins.callOffset));
    return site && site.inlinedFrom !== null ? site : null;
  };
  for (const fn of funcs) {
    for (const ins of fn.instructions) {
      if (ins.callTarget === null || allocatorInfo(ins.callTarget) === null) continue;
      const site = inlinedSite(fn, ins);
      calls.push(`${ins.callTarget} at ${site ? `${path.basename(site.file)}:${site.line}` : `${ins.file}:${ins.line}`}`);
    }
  }
  out.push(`// ${ctx.title} (${ctx.packagePath}): compiled code from the package's last compile`);
  // A long function's list would make an unreadably long header line: the first few, then a count.
  const listed = calls.length > MAX_LISTED_CALLS ? [...calls.slice(0, MAX_LISTED_CALLS), `${calls.length - MAX_LISTED_CALLS} more`] : calls;
  out.push(calls.length === 0 ? '// No allocator calls.' : `// Allocator calls: ${calls.length} (${listed.join(', ')})`);
  for (const n of ctx.notes ?? []) out.push(`// ${n}`);
  for (const fn of funcs) {
    out.push('');
    out.push(`TEXT ${fn.symbol}(SB) ${path.basename(fn.file)}`);
    let group = '';
    for (const ins of fn.instructions) {
      const file = resolveBase(ins.file, fn.file, ctx.files);
      const key = `${ins.file}:${ins.line}`;
      if (key !== group) {
        group = key;
        const source = file === null ? null : ctx.sourceLine(file, ins.line);
        const where = file === null ? ' (inlined from another package)' : source === null ? '' : `  ${source.trim()}`;
        out.push('');
        out.push(`// ${key}${where}`);
        if (file !== null) links.push({ line: out.length - 1, start: 3, end: 3 + key.length, file, fileLine: ins.line });
      }
      let text = ins.callTarget !== null ? `${ins.text.split(' ')[0]} ${ins.callTarget}` : ins.text;
      if (ins.references.length > 0) text += `  ; ${ins.references.join(', ')}`;
      const note = ins.callTarget === null ? null : allocatorNote(ins.callTarget);
      // An allocation in inlined code links to the call the user wrote, where the finding is.
      const site = note === null ? null : inlinedSite(fn, ins);
      if (note !== null) {
        allocatorCalls++;
        text += `  // ${note}`;
        if (site !== null) text += ` (inlined, called at ${path.basename(site.file)}:${site.line})`;
      }
      out.push(`\t${ins.address}\t${text}`);
      const target = site ?? (file === null ? null : { file, line: ins.line });
      if (target !== null) links.push({ line: out.length - 1, start: 1, end: 1 + ins.address.length, file: target.file, fileLine: target.line });
    }
  }
  return { text: out.join('\n') + '\n', links, allocatorCalls };
}

/** What running objdump needs. */
export interface ObjdumpOptions {
  goBinary: string;
  /** The directory to run in (the package's). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/**
 * The functions of an export archive whose symbols match `pattern`, from `go tool objdump -s`.
 * The arguments go to the process as a list (no shell). Throws with objdump's message when it fails.
 */
export async function objdumpFunctions(exportFile: string, pattern: string, opts: ObjdumpOptions): Promise<ObjdumpFunction[]> {
  const res = await runGo(opts.goBinary, ['tool', 'objdump', '-s', pattern, exportFile], opts.cwd, opts.env, opts.signal);
  if (res.code !== 0) throw new Error(`go tool objdump failed: ${(res.stderr.trim() || res.stdout.trim()).split('\n')[0] ?? ''}`);
  return parseObjdump(res.stdout);
}
