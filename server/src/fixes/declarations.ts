// What a name refers to and which type it was declared with, as far as the file itself shows.
// Fixes that need a type (is `xs` a slice or a channel? is `n` an int?) ask here, and when the
// answer is not certain from the syntax they get null and offer nothing.
import { contains, enclosingFunction, identifiersNamed, isBinding, topLevelFunction, type GoNode } from './goTree';

/** The one declaration a name use refers to, or null when it is ambiguous or not in this file. */
export function resolveBinding(use: GoNode): GoNode | null {
  const name = use.text;
  const fn = topLevelFunction(use);
  const root = use.tree.rootNode;
  if (fn) {
    const bindings = identifiersNamed(fn, name).filter(isBinding);
    // One declaration of the name in the whole top-level function, or none: anything else
    // (shadowing, redeclaration) needs scope rules this module does not model, so no answer.
    const [binding, other] = bindings;
    if (other) return null;
    if (binding) return inScope(binding, use) ? binding : null;
  }
  const topLevel = root.namedChildren
    .filter((d) => d.type === 'var_declaration')
    .flatMap((d) => d.descendantsOfType('var_spec'))
    .flatMap((s) => s.childrenForFieldName('name'))
    .filter((n) => n.text === name);
  const [only, other] = topLevel;
  return only && !other ? only : null;
}

/** Whether `use` is inside the scope of the declaring identifier `binding` and after it. */
function inScope(binding: GoNode, use: GoNode): boolean {
  const p = binding.parent as GoNode;
  if (p.type === 'parameter_declaration' || p.type === 'variadic_parameter_declaration') {
    const fn = enclosingFunction(binding);
    const body = fn?.childForFieldName('body');
    return !!body && contains(body, use);
  }
  const stmt = p.type === 'expression_list' ? (p.parent as GoNode) : p.type === 'var_spec' ? (p.parent as GoNode) : p;
  if (use.startIndex < stmt.endIndex) return false;
  let scope: GoNode | null = stmt.parent;
  if (stmt.type === 'range_clause') scope = stmt.parent;
  else if (scope?.type === 'var_spec_list') scope = scope.parent?.parent ?? null;
  if (scope?.type === 'statement_list') scope = scope.parent;
  else if (scope?.type === 'for_clause') scope = scope.parent;
  return !!scope && contains(scope, use);
}

/** The declared type of a binding as source text (`[]int`, `map[string]int`, `int`, `string`), or null when not evident. */
export function declaredType(binding: GoNode): string | null {
  const p = binding.parent as GoNode;
  if (p.type === 'parameter_declaration') return p.childForFieldName('type')?.text ?? null;
  if (p.type === 'variadic_parameter_declaration') {
    const t = p.childForFieldName('type')?.text;
    return t ? `[]${t}` : null;
  }
  if (p.type === 'var_spec') {
    const t = p.childForFieldName('type');
    if (t) return t.text;
    const i = p.childrenForFieldName('name').findIndex((n) => n.id === binding.id);
    const value = p.childForFieldName('value')?.namedChildren[i];
    return value ? expressionType(value) : null;
  }
  if (p.type === 'expression_list') {
    const stmt = p.parent as GoNode;
    const i = p.namedChildren.findIndex((n) => n.id === binding.id);
    if (stmt.type === 'short_var_declaration') {
      const values = stmt.childForFieldName('right')?.namedChildren ?? [];
      if (values.length !== p.namedChildCount) return null;
      const value = values[i];
      return value ? expressionType(value) : null;
    }
    if (stmt.type === 'range_clause' && i === 0) {
      // The index of a slice, array or string is an int; of a map, the key type; of an int, that type.
      const over = stmt.childForFieldName('right');
      const t = over ? typeOfExpression(over) : null;
      return t && (isSliceType(t) || isArrayType(t) || t === 'string') ? 'int' : null;
    }
  }
  return null;
}

/** The type of an expression whose type the syntax shows: literals, composite literals, make, len/cap, declared names. */
export function typeOfExpression(e: GoNode): string | null {
  if (e.type === 'identifier') {
    const b = resolveBinding(e);
    return b ? declaredType(b) : null;
  }
  return expressionType(e);
}

function expressionType(e: GoNode): string | null {
  switch (e.type) {
    case 'int_literal':
      return 'int';
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return 'string';
    case 'composite_literal': {
      const t = e.childForFieldName('type');
      return t && (t.type === 'slice_type' || t.type === 'map_type' || t.type === 'array_type') ? t.text : null;
    }
    case 'call_expression': {
      const fn = e.childForFieldName('function')?.text;
      const args = e.childForFieldName('arguments')?.namedChildren ?? [];
      if ((fn === 'len' || fn === 'cap') && args.length === 1) return 'int';
      if (fn === 'make') return args[0]?.text ?? null;
      return null;
    }
    default:
      return null;
  }
}

/** `[]T`. */
export function isSliceType(t: string): boolean {
  return t.startsWith('[]');
}

/** `[N]T` or `[...]T`. */
export function isArrayType(t: string): boolean {
  return /^\[[^\]]+\]/.test(t);
}

/** `map[K]V`. */
export function isMapType(t: string): boolean {
  return t.startsWith('map[');
}

/** Whether the name is never written (assigned, incremented, address taken) anywhere in the file's top-level function around `use`, nor at top level. */
export function neverWritten(use: GoNode, isWrittenFn: (id: GoNode) => boolean): boolean {
  const scope = topLevelFunction(use);
  if (!scope) return false;
  return !identifiersNamed(scope, use.text).some((id) => !isBinding(id) && isWrittenFn(id));
}
