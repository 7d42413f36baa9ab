// What the compiler decided about the parameters of a package's own functions: `f does not
// escape` at a func parameter means no closure passed there outlives the call. copy-loop-var
// asks this when the compiler printed nothing at the literal itself (the callee was inlined and
// the literal with it).
import type { GoSourceFile } from '../engine/sourceFile';
import type { CompilerDecision } from '../engine/types';
import { nodeStart, type GoNode } from './goTree';

/** One function's parameters: how many, whether the last is variadic, and which do not escape. */
interface Parameters {
  count: number;
  variadic: boolean;
  stays: ReadonlySet<number>;
}

/** Per top-level function name, what the compiler said about its parameters. */
export type NonEscapingParams = ReadonlyMap<string, Parameters>;

/** The flat list of a function's parameter names (`a, b int` is two), with whether the last is variadic. */
function parameterNames(fn: GoNode): { names: GoNode[]; variadic: boolean } {
  const names: GoNode[] = [];
  let variadic = false;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    const ids = p.childrenForFieldName('name');
    // An unnamed parameter still takes an argument's place.
    if (ids.length === 0) names.push(p);
    else names.push(...ids);
    variadic = p.type === 'variadic_parameter_declaration';
  }
  return { names, variadic };
}

/**
 * The non-escaping parameters of the top-level functions (not methods) declared in `files`, one
 * package directory's files. A name declared twice (a package and its external test package) is
 * left out: the syntax cannot tell which one a call means.
 */
export function nonEscapingParams(files: ReadonlyArray<{ source: GoSourceFile; decisions: readonly CompilerDecision[] }>): NonEscapingParams {
  const out = new Map<string, Parameters>();
  const seen = new Set<string>();
  const ambiguous = new Set<string>();
  for (const { source, decisions } of files) {
    const stays = new Set(decisions.filter((d) => d.kind === 'noescape').map((d) => `${d.pos.line}:${d.pos.column}:${d.details.subject ?? ''}`));
    for (const fn of source.tree.rootNode.namedChildren.filter((n) => n.type === 'function_declaration')) {
      const name = fn.childForFieldName('name')?.text;
      if (!name) continue;
      if (seen.has(name)) ambiguous.add(name);
      seen.add(name);
      const set = new Set<number>();
      const { names, variadic } = parameterNames(fn);
      names.forEach((id, i) => {
        if (id.type !== 'identifier') return;
        const at = nodeStart(source, id);
        if (stays.has(`${at.line}:${at.column}:${id.text}`)) set.add(i);
      });
      out.set(name, { count: names.length, variadic, stays: set });
    }
  }
  for (const name of ambiguous) out.delete(name);
  return out;
}

/** Whether the compiler says the parameter that argument `argIndex` of a call of `callee` lands on does not escape. */
export function argumentStays(params: NonEscapingParams | undefined, callee: string, argIndex: number): boolean {
  const fn = params?.get(callee);
  if (!fn) return false;
  const i = fn.variadic && argIndex >= fn.count - 1 ? fn.count - 1 : argIndex;
  return fn.stays.has(i);
}
