// heapscope/compiledCode: the function under the cursor as the compiler produced it in the
// package's last compile. The feature lives in engine/compiledCode.ts; this file finds the
// function, the package's compiled archive and the source lines, and says in words why there is
// nothing to show when there is not.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { callSiteKey, compiledCodeDocument, enclosingFunction, functionTitle, objdumpFunctions, packageNameOf, symbolPattern } from '../engine/compiledCode';
import { allocatorCallsOfExport } from '../engine/evidence';
import { mergeEnv } from '../engine/processes';
import { GoSourceFile } from '../engine/sourceFile';
import { readText, type OpenDocument } from './documents';
import type { PackageState } from './packageRuns';
import type { CompiledCodeResult, HeapscopeSettings } from '../protocol';

/** What the request needs from the session. */
export interface CompiledCodeInput {
  /** The file (absolute) and its open document, if it is open. */
  file: string;
  doc: OpenDocument | undefined;
  /** 0-based line and UTF-16 character. */
  position: { line: number; character: number };
  /** The state of the file's package. */
  st: PackageState;
  settings: HeapscopeSettings;
  signal: AbortSignal;
}

function nothing(message: string, fn = '', packagePath = ''): CompiledCodeResult {
  return { function: fn, packagePath, text: '', links: [], allocatorCalls: 0, message };
}

/** Returns the compiled code of the function enclosing the position, or a result whose message says why there is none. */
export async function compiledCodeAt(input: CompiledCodeInput): Promise<CompiledCodeResult> {
  const { file, doc, st, settings } = input;
  // objdump is the toolchain the workspace chooses (go.mod's toolchain line, GOTOOLCHAIN).
  if (!settings.trusted) return nothing('The workspace is not trusted: Heapscope does not run go.');
  const text = doc?.text ?? readText(file);
  if (text === null) return nothing(`Cannot read ${file}.`);
  const root = (doc?.file ?? GoSourceFile.parse(text)).tree.rootNode;
  const fn = enclosingFunction(root, input.position.line, input.position.character);
  if (fn === null) return nothing('The cursor is not in a function: place it inside a function or method to see its compiled code.');
  const title = functionTitle(fn);
  const results = st.good;
  if (results === null) {
    const why = st.failed ? 'the package does not compile, so it has no compiled code' : 'the package has not been analysed yet';
    return nothing(`No compiled code for ${title}: ${why}.`, title);
  }
  const pkg = results.packages.find((p) => p.files.includes(file));
  if (pkg === undefined) return nothing(`No compiled code for ${title}: ${path.basename(file)} was not part of the last compile (build tags, or a new file: save it).`, title);
  const packagePath = pkg.importPath.replace(/ \[.*\]$/, '');
  if (!pkg.exportFile || !existsSync(pkg.exportFile)) {
    const why = pkg.error ?? (pkg.exportFile ? 'its compiled archive is gone from the build cache; run "Heapscope: Analyse Package Now"' : 'go list wrote no compiled archive for it');
    return nothing(`No compiled code for ${title} in ${packagePath}: ${why}.`, title, packagePath);
  }
  const pattern = symbolPattern(pkg.importPath, packageNameOf(root), fn);
  const env = mergeEnv(settings.env);
  let listing;
  try {
    // The evidence stage read the same archive's allocator calls for this compile: a cache hit.
    listing = await Promise.all([
      objdumpFunctions(pkg.exportFile, pattern, { goBinary: results.goBinary, cwd: st.dir, env, signal: input.signal }),
      // Without them, allocations in inlined code lose only their link to the user's call.
      allocatorCallsOfExport({ goBinary: results.goBinary, goVersion: results.goVersion, workingDir: st.dir }, pkg.exportFile, { env, signal: input.signal }).catch(() => []),
    ]);
  } catch (e) {
    return nothing(`No compiled code for ${title}: ${e instanceof Error ? e.message : String(e)}`, title, packagePath);
  }
  const [funcs, credited] = listing;
  if (funcs.length === 0) {
    return nothing(
      `No compiled code for ${title} in ${packagePath}: the compiler emitted none (a generic function is compiled where it is instantiated, and a function may exist only inlined into its callers).`,
      title,
      packagePath,
    );
  }
  const split = new Map<string, string[] | null>();
  const sourceLine = (f: string, line: number): string | null => {
    if (!split.has(f)) {
      // The text the compiler saw, where the results kept it; otherwise the file as it is now.
      const t = results.texts.get(f) ?? (doc && doc.path === f && !doc.editedSinceResults ? doc.text : readText(f));
      split.set(f, t === null ? null : t.split('\n'));
    }
    return split.get(f)?.[line - 1]?.replace(/\r$/, '') ?? null;
  };
  const notes: string[] = [];
  if (st.failed) notes.push('The package does not compile now: this is the code of its last compile that did.');
  else if (doc?.editedSinceResults || st.dirty) notes.push('The file changed since this compile: save it to see the code of the current text.');
  const callSites = new Map(credited.map((c) => [callSiteKey(c.symbol, c.offset), c] as const));
  const view = compiledCodeDocument(funcs, { title, packagePath, files: pkg.files, sourceLine, notes, callSites });
  return { function: title, packagePath, text: view.text, links: view.links, allocatorCalls: view.allocatorCalls };
}
