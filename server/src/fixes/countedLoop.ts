// How many times a loop runs, when the syntax alone says so without side effects: a range over
// a slice, array or map (`len(xs)`), over an integer (`n`), or a counting three-clause loop
// `for i := 0; i < n; i++` whose `i` and `n` nothing else changes. A range over a string runs
// once per rune, so `len(s)` (bytes) is only an upper bound. Ranges over channels, functions or
// values of unknown type have no count.
//
// Each count also says whether it is bounded by memory the program holds already (`bounded`):
// the length of a slice, array, map or string that exists before the loop, or a small constant.
// A capacity made from such a count cannot reserve more than a fixed multiple of memory the
// program already has, even when the loop stops early (a panic in the body, a break). An
// arbitrary integer (`range n`, `i < n`) is not bounded: a decoder looping to a length read from
// its input would reserve it all up front. See prealloc.ts for when such a count is still safe.
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
  /** The count cannot exceed the length of something that exists before the loop, or a small constant. */
  bounded: boolean;
  /** The name the count is computed from (`xs` of `len(xs)`, `n`), or null for a constant or a longer expression. */
  operand?: GoNode | null;
  /** The operand is a map (its length can change without an assignment to it). */
  operandIsMap?: boolean;
}

/** Constant counts up to this many elements are bounded: reserving them costs little whatever the loop does. */
export const SMALL_CONSTANT_COUNT = 1024;

/** A literal count, bounded when it is small. */
function literalCount(text: string): LoopCount {
  const value = Number(text.replace(/_/g, ''));
  return { text, nonNegative: true, upperBound: false, bounded: Number.isSafeInteger(value) && value <= SMALL_CONSTANT_COUNT };
}

/**
 * Whether the entries of this collection type hold memory of their own, so that its length is
 * bounded by memory the program holds: not `struct{}` or `[0]T` elements, which a slice or array
 * of any length holds in no memory at all (a named zero-size type cannot be seen from the syntax).
 */
function elementsTakeMemory(t: string): boolean {
  // Every map entry takes memory, whatever its key and value types.
  if (isMapType(t)) return true;
  const elem = t.replace(/^\[[^\]]*\]/, '').replace(/\s/g, '');
  return !/^(struct\{\}|\[0+\])/.test(elem);
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
  if (over.type === 'int_literal') return literalCount(over.text);
  const t = typeOfExpression(over);
  if (!t) return null;
  const operand = over.type === 'identifier' ? over : null;
  if (isSliceType(t) || isArrayType(t) || isMapType(t)) return { text: `len(${over.text})`, nonNegative: true, upperBound: false, bounded: elementsTakeMemory(t), operand, operandIsMap: isMapType(t) };
  // A nil pointer to an array ranges over the array's length without any array in memory.
  if (t.startsWith('*[') && isArrayType(t.slice(1))) return { text: `len(${over.text})`, nonNegative: true, upperBound: false, bounded: false };
  if (t === 'string') return { text: `len(${over.text})`, nonNegative: true, upperBound: true, bounded: true, operand };
  if (INT_TYPES.has(t)) return { text: over.text, nonNegative: t.startsWith('u') || t === 'byte', upperBound: false, bounded: false, operand };
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
  if (limit.type === 'int_literal') return literalCount(limit.text);
  if (limit.type === 'identifier') {
    if (!isUnchangingLocal(limit)) return null;
    const t = typeOfExpression(limit);
    if (!t || !INT_TYPES.has(t)) return null;
    return { text: limit.text, nonNegative: false, upperBound: false, bounded: false, operand: limit };
  }
  if (limit.type === 'call_expression' && limit.childForFieldName('function')?.text === 'len') {
    const args = limit.childForFieldName('arguments')?.namedChildren ?? [];
    const [arg] = args;
    if (args.length !== 1 || arg?.type !== 'identifier' || !isUnchangingLocal(arg)) return null;
    const t = typeOfExpression(arg);
    // Only types whose length changes by assignment alone (not maps: delete and m[k] = v change them).
    if (!t || !(isSliceType(t) || isArrayType(t) || t === 'string')) return null;
    return { text: `len(${arg.text})`, nonNegative: true, upperBound: false, bounded: t === 'string' || elementsTakeMemory(t), operand: arg };
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
