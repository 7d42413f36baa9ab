// Whether a name a fix inserts means what the fix means by it. A fix that writes `len(xs)`,
// `make(…)` or `strconv.Itoa(n)` relies on `len` and `make` being Go's builtins and `strconv`
// the imported package: a local `len := func(…) int { … }`, a parameter called `make`, or a
// package-level `func len` in any file of the package would silently change what the fixed code
// does (or break the build). Go resolves a name innermost scope first (the function's blocks,
// its parameters and named results, then the package, then the universe), so a fix checks each.
import type { GoSourceFile } from '../engine/sourceFile';
import { identifiersNamed, isBinding, topLevelFunction, type GoNode } from './goTree';

/** The names a file declares in the package block (functions, variables, constants, types), and with `imports` also the names its imports bind in the file. */
export function packageLevelNames(file: GoSourceFile, imports = false): string[] {
  const out: string[] = [];
  for (const d of file.tree.rootNode.namedChildren) {
    switch (d.type) {
      case 'function_declaration': {
        const name = d.childForFieldName('name')?.text;
        if (name) out.push(name);
        break;
      }
      case 'var_declaration':
      case 'const_declaration':
        for (const spec of d.descendantsOfType(['var_spec', 'const_spec'])) for (const n of spec.childrenForFieldName('name')) out.push(n.text);
        break;
      case 'type_declaration':
        for (const spec of d.descendantsOfType(['type_spec', 'type_alias'])) {
          const name = spec.childForFieldName('name')?.text;
          if (name) out.push(name);
        }
        break;
      case 'import_declaration':
        if (!imports) break;
        for (const spec of d.descendantsOfType('import_spec')) {
          const name = spec.childForFieldName('name')?.text;
          if (name && name !== '_' && name !== '.') out.push(name);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

/** The package clause's name (`package p` → "p"), or null when the file has none. */
export function packageClauseName(file: GoSourceFile): string | null {
  const clause = file.tree.rootNode.namedChildren.find((c) => c.type === 'package_clause');
  return clause?.namedChildren.find((c) => c.type === 'package_identifier')?.text ?? null;
}

/**
 * Whether `name` is declared in the function around `at` (any block, a parameter, a named result,
 * a local type), anywhere in it: a conservative stand-in for "in a scope enclosing `at`".
 */
export function declaredInFunction(at: GoNode, name: string): boolean {
  const fn = topLevelFunction(at);
  if (!fn) return false;
  if (identifiersNamed(fn, name).some(isBinding)) return true;
  return fn.descendantsOfType(['type_spec', 'type_alias']).some((s) => s.childForFieldName('name')?.text === name);
}

/**
 * Whether a predeclared name (`len`, `make`) inserted at `at` still means Go's builtin: not
 * declared in the function around it, in the file, or (when known) in any file of the package.
 */
export function isBuiltinAt(at: GoNode, name: string, file: GoSourceFile, packageNames: ReadonlySet<string> | undefined): boolean {
  if (declaredInFunction(at, name)) return false;
  if (packageNames?.has(name)) return false;
  return !packageLevelNames(file, true).includes(name);
}
