// How many times a loop runs, when the syntax alone says so without side effects: a range over
// a slice, array or map (`len(xs)`), over an integer (`n`), or a counting three-clause loop
// `for i := 0; i < n; i++` whose `i` and `n` nothing else changes. A range over a string runs
// once per rune, so `len(s)` (bytes) is only an upper bound. Ranges over channels, functions or
// values of unknown type have no count.
import { declaredType, isArrayType, isMapType, isSliceType, neverWritten, resolveBinding, typeOfExpression } from './declarations';
import { contains, identifiersNamed, isBinding, isPureOperand, isWritten, topLevelFunction, type GoNode } from './goTree';

/** A loop's trip count as Go source text. */
export interface LoopCount {
  /** An expression evaluating to the count (or an upper bound of it) just before the loop. */
  text: string;
  /** The count can never be negative (`len(…)`, a literal); otherwise a guard is needed before `make`. */
  nonNegative: boolean;
  /** The count is only an upper bound (range over a string: bytes ≥ runes). */
  upperBound: boolean;
}

const INT_TYPES = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune']);

/** The trip count of a `for` statement, or null when it is not known without side effects. */
export function loopCount(loop: GoNode): LoopCount | null {
  const range = loop.namedChildren.find((c) => c.type === 'range_clause');
  if (range) return rangeCount(range);
  const clause = loop.namedChildren.find((c) => c.type === 'for_clause');
  if (clause) return threeClauseCount(loop, clause);
  return null;
}

function rangeCount(range: GoNode): LoopCount | null {
  const over = range.childForFieldName('right');
  if (!over || !isPureOperand(over)) return null;
  if (over.type === 'int_literal') return { text: over.text, nonNegative: true, upperBound: false };
  const t = typeOfExpression(over);
  if (!t) return null;
  if (isSliceType(t) || isArrayType(t) || isMapType(t)) return { text: `len(${over.text})`, nonNegative: true, upperBound: false };
  if (t.startsWith('*[') && isArrayType(t.slice(1))) return { text: `len(${over.text})`, nonNegative: true, upperBound: false };
  if (t === 'string') return { text: `len(${over.text})`, nonNegative: true, upperBound: true };
  if (INT_TYPES.has(t)) return { text: over.text, nonNegative: t.startsWith('u') || t === 'byte', upperBound: false };
  return null;
}

/** `for i := 0; i < n; i++` with n a literal, an unchanging local, or len of an unchanging local slice/string/array. */
function threeClauseCount(loop: GoNode, clause: GoNode): LoopCount | null {
  const init = clause.childForFieldName('initializer');
  const cond = clause.childForFieldName('condition');
  const update = clause.childForFieldName('update');
  if (init?.type !== 'short_var_declaration' || cond?.type !== 'binary_expression' || update?.type !== 'inc_statement') return null;
  const left = init.childForFieldName('left')?.namedChildren ?? [];
  const right = init.childForFieldName('right')?.namedChildren ?? [];
  const [variable] = left;
  const [start] = right;
  if (left.length !== 1 || right.length !== 1 || !variable || start?.text !== '0') return null;
  const i = variable.text;
  if (cond.childForFieldName('operator')?.type !== '<' || cond.childForFieldName('left')?.text !== i) return null;
  if (update.namedChildren[0]?.text !== i) return null;
  const body = loop.childForFieldName('body');
  if (!body) return null;
  // The body must not steer the loop variable.
  if (identifiersNamed(body, i).some((id) => isWritten(id) || isBinding(id))) return null;
  const limit = cond.childForFieldName('right') as GoNode;
  if (limit.type === 'int_literal') return { text: limit.text, nonNegative: true, upperBound: false };
  if (limit.type === 'identifier') {
    if (!isUnchangingLocal(limit)) return null;
    const t = typeOfExpression(limit);
    if (!t || !INT_TYPES.has(t)) return null;
    return { text: limit.text, nonNegative: false, upperBound: false };
  }
  if (limit.type === 'call_expression' && limit.childForFieldName('function')?.text === 'len') {
    const args = limit.childForFieldName('arguments')?.namedChildren ?? [];
    const [arg] = args;
    if (args.length !== 1 || arg?.type !== 'identifier' || !isUnchangingLocal(arg)) return null;
    const t = typeOfExpression(arg);
    // Only types whose length changes by assignment alone (not maps: delete and m[k] = v change them).
    if (!t || !(isSliceType(t) || isArrayType(t) || t === 'string')) return null;
    return { text: `len(${arg.text})`, nonNegative: true, upperBound: false };
  }
  return null;
}

/** A local variable or parameter of the function around `use` that is never written after its declaration. */
function isUnchangingLocal(use: GoNode): boolean {
  const b = resolveBinding(use);
  const fn = topLevelFunction(use);
  if (!b || !fn || !contains(fn, b)) return false;
  if (declaredType(b) === null) return false;
  return neverWritten(use, isWritten);
}
