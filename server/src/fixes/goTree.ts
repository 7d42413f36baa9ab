// Small questions about tree-sitter-go trees that every fix asks: whether a node contains another,
// whether a name is bound or written somewhere, what a node's indentation is.
// Offsets are tree-sitter's (UTF-16 units, see engine/sourceFile.ts); conversion to byte ranges
// happens only when a fix builds its edits.
import type { SyntaxNode } from 'tree-sitter';
import type { GoSourceFile } from '../engine/sourceFile';
import type { ByteRange, FindingEdit } from '../engine/types';

export type GoNode = SyntaxNode;

/** Whether `inner` lies inside `outer` (or is it). */
export function contains(outer: GoNode, inner: GoNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Identifier nodes (plain `identifier`, not field or type names) with this text in the subtree. */
export function identifiersNamed(root: GoNode, name: string): GoNode[] {
  return root.descendantsOfType('identifier').filter((n) => n.text === name);
}

/** Whether the identifier is a name being declared (parameter, var/const spec, `:=` left side, range `:=`, type switch alias, select `:=`). */
export function isBinding(id: GoNode): boolean {
  const p = id.parent;
  if (!p) return false;
  switch (p.type) {
    case 'parameter_declaration':
    case 'variadic_parameter_declaration':
    case 'var_spec':
    case 'const_spec':
      return p.childrenForFieldName('name').some((c) => c.id === id.id);
    case 'expression_list': {
      const g = p.parent;
      if (!g || g.childForFieldName('left')?.id !== p.id) return g?.type === 'type_switch_statement' && g.childForFieldName('alias')?.id === p.id;
      if (g.type === 'short_var_declaration') return true;
      if (g.type === 'range_clause' || g.type === 'receive_statement') return g.children.some((c) => c.type === ':=');
      return false;
    }
    default:
      return false;
  }
}

/** Whether the identifier is written: assigned (`=`, `op=`), incremented, decremented or has its address taken. */
export function isWritten(id: GoNode): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return true;
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.type === '&') return true;
  if (p.type === 'expression_list') {
    const g = p.parent;
    if (g?.type === 'assignment_statement' && g.childForFieldName('left')?.id === p.id) return true;
    if (g?.type === 'range_clause' && g.childForFieldName('left')?.id === p.id && !g.children.some((c) => c.type === ':=')) return true;
  }
  // `x.f = …`, `x[i] = …` write into x only when x is a value with fields/elements, which
  // for the loop variables and counts this module cares about (ints, strings) cannot happen;
  // still count them as writes so the rules stay conservative.
  if (p.type === 'selector_expression' || p.type === 'index_expression') {
    if (p.child(0)?.id === id.id) return isWrittenExpr(p);
  }
  return false;
}

function isWrittenExpr(e: GoNode): boolean {
  const p = e.parent;
  if (!p) return false;
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return true;
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.type === '&') return true;
  if (p.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('left')?.id === p.id) return true;
  return false;
}

/** The innermost function (declaration, method or literal) around a node. */
export function enclosingFunction(n: GoNode): GoNode | null {
  for (let c = n.parent; c; c = c.parent) {
    if (c.type === 'function_declaration' || c.type === 'method_declaration' || c.type === 'func_literal') return c;
  }
  return null;
}

/** The outermost function around a node: the top-level declaration it belongs to. */
export function topLevelFunction(n: GoNode): GoNode | null {
  let found: GoNode | null = null;
  for (let c: GoNode | null = n; c; c = c.parent) {
    if (c.type === 'function_declaration' || c.type === 'method_declaration' || c.type === 'func_literal') found = c;
  }
  return found;
}

/** Whether an expression can be evaluated again without side effects and without changing: a name, a selector chain of names, or a literal. */
export function isPureOperand(e: GoNode): boolean {
  switch (e.type) {
    case 'identifier':
    case 'int_literal':
      return true;
    case 'selector_expression': {
      const operand = e.childForFieldName('operand');
      return operand !== null && isPureOperand(operand) && operand.type !== 'int_literal';
    }
    case 'parenthesized_expression':
      return e.namedChildCount === 1 && isPureOperand(e.namedChild(0) as GoNode);
    default:
      return false;
  }
}

/** The leading tabs of the line holding offset `at`; null when the indentation is not only tabs. */
export function lineIndent(file: GoSourceFile, at: number): string | null {
  const row = file.lines.positionAt(at).line;
  const text = file.lines.lineText(row);
  const m = /^[\t]*/.exec(text) as RegExpExecArray;
  const rest = text.slice(m[0].length);
  if (rest.startsWith(' ')) return null;
  return m[0];
}

/** Whether only blanks (and an optional `//` comment) follow offset `at` on its line. */
export function restOfLineIsBlank(file: GoSourceFile, at: number): boolean {
  const pos = file.lines.positionAt(at);
  const text = file.lines.lineText(pos.line).slice(pos.character);
  return /^[ \t]*(\/\/.*)?\r?$/.test(text);
}

/** The ByteRange of a node. */
export function nodeRange(file: GoSourceFile, n: GoNode): ByteRange {
  return file.byteRange(n.startIndex, n.endIndex);
}

/** Where a node starts: 1-based line and byte column. */
export function nodeStart(file: GoSourceFile, n: GoNode): { line: number; column: number } {
  const { line, column } = nodeRange(file, n);
  return { line, column };
}

/** An edit replacing `[start, end)` (UTF-16 offsets) with `newText`. */
export function offsetEdit(file: GoSourceFile, path: string, start: number, end: number, newText: string): FindingEdit {
  return { file: path, ...file.byteRange(start, end), newText };
}

/** The UTF-16 offset of the start of the line after the one holding `at`. */
export function nextLineStart(file: GoSourceFile, at: number): number {
  const row = file.lines.positionAt(at).line;
  return row + 1 < file.lines.lineCount ? file.lines.lineStart(row + 1) : file.text.length;
}

/** Whether any `identifier` in the subtree has this name. */
export function mentions(root: GoNode, name: string): boolean {
  return identifiersNamed(root, name).length > 0;
}
