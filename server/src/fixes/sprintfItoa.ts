// sprintf-itoa: `fmt.Sprintf("%d", n)` (or "%v") with n an int formats exactly like
// `strconv.Itoa(n)`, which skips boxing n into an interface and fmt's state machine: one
// allocation (the string; none for 0..99) instead of two or more. Offered only when the file
// itself shows n is an `int` (other integer types would need strconv.FormatInt and a
// conversion; named types may have a String method that %v would call), `fmt` is the fmt
// package, and `strconv` can be imported cleanly (no file of the package declares that name).
// The import of fmt is removed when this was its last use.
import { kindInfo, type FixId, type KindId } from '../engine/kinds';
import type { Finding } from '../engine/types';
import { typeOfExpression } from './declarations';
import type { FixInput } from './fixTypes';
import { identifiersNamed, isBinding, isPureOperand, mentions, nodeRange, offsetEdit, topLevelFunction, type GoNode } from './goTree';
import { importEdits, importSpecs } from './imports';

export const SPRINTF_ITOA_ID = 'sprintf-itoa' satisfies FixId;
export const SPRINTF_ITOA_KIND = 'alloc.sprintf' satisfies KindId;

/** The int argument of `fmt.Sprintf("%d", n)`, or null when the call is not exactly that. */
function itoaArgument(call: GoNode): GoNode | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return null;
  if (fn.childForFieldName('operand')?.text !== 'fmt' || fn.childForFieldName('field')?.text !== 'Sprintf') return null;
  const argList = call.childForFieldName('arguments');
  const args = argList?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  const [format, n] = args;
  if (!argList || !format || !n || args.length !== 2 || argList.children.some((c) => c.type === '...')) return null;
  if (format.type !== 'interpreted_string_literal' || !['"%d"', '"%v"'].includes(format.text)) return null;
  const isLenCall =
    n.type === 'call_expression' && ['len', 'cap'].includes(n.childForFieldName('function')?.text ?? '') && (n.childForFieldName('arguments')?.namedChildren ?? []).every(isPureOperand);
  if (n.type !== 'identifier' && !isLenCall) return null;
  return typeOfExpression(n) === 'int' ? n : null;
}

/** Whether `name` is declared anywhere in the file as something other than an import. */
function declaredInFile(root: GoNode, name: string): boolean {
  if (identifiersNamed(root, name).some(isBinding)) return true;
  return root.namedChildren.some(
    (d) =>
      (d.type === 'function_declaration' || d.type === 'type_declaration') &&
      d.descendantsOfType(['identifier', 'type_identifier']).some((n) => n.text === name && n.parent?.childForFieldName('name')?.id === n.id),
  );
}

/** Uses of the fmt package in the file (selector operands and qualified types). */
function fmtUses(root: GoNode): number {
  return root.descendantsOfType(['identifier', 'package_identifier']).filter((n) => n.text === 'fmt' && n.parent?.type !== 'import_spec').length;
}

/** Finds `fmt.Sprintf("%d", n)` with an int n and offers `strconv.Itoa(n)`. */
export function findSprintfItoa(input: FixInput): Finding[] {
  const file = input.source;
  const root = file.tree.rootNode;
  const specs = importSpecs(file);
  const fmtSpec = specs.find((s) => s.path === 'fmt');
  if (!fmtSpec || (fmtSpec.name !== null && fmtSpec.name !== 'fmt')) return [];
  const strconvSpec = specs.find((s) => s.path === 'strconv');
  if (strconvSpec && strconvSpec.name !== null && strconvSpec.name !== 'strconv') return [];
  if (!strconvSpec && (declaredInFile(root, 'strconv') || mentions(root, 'strconv'))) return [];
  // A package-level strconv in another file of the package would clash with the new import.
  if (input.packageNames?.has('strconv') && !strconvSpec) return [];
  if (declaredInFile(root, 'fmt')) return [];
  const out: Finding[] = [];
  const uses = fmtUses(root);
  for (const call of root.descendantsOfType('call_expression')) {
    const n = itoaArgument(call);
    if (!n) continue;
    const fn = topLevelFunction(call);
    if (fn && identifiersNamed(fn, 'fmt').some(isBinding)) continue;
    const removeFmt = uses === 1 ? fmtSpec : null;
    const imports = importEdits(input.file, file, strconvSpec ? null : 'strconv', removeFmt);
    if (!imports) continue;
    const edits = [offsetEdit(file, input.file, call.startIndex, call.endIndex, `strconv.Itoa(${n.text})`), ...imports];
    edits.sort((a, b) => a.line - b.line || a.column - b.column);
    const range = nodeRange(file, call);
    out.push({
      file: input.file,
      ...range,
      // Its kind's default, a hint; a profile promotes it by its cost when findings are joined (profile/join.ts).
      severity: kindInfo(SPRINTF_ITOA_KIND).defaultSeverity,
      kind: SPRINTF_ITOA_KIND,
      message: `fmt.Sprintf boxes ${n.text} into an interface and allocates more than strconv.Itoa, which formats an int the same way`,
      compiler: null,
      related: [],
      fixes: [{ id: SPRINTF_ITOA_ID, title: `Use strconv.Itoa(${n.text})`, edits }],
      alloc: null,
      packagePath: input.findings.find((f) => f.packagePath)?.packagePath ?? '',
      decision: null,
    });
  }
  return out;
}
