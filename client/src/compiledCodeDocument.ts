// The read-only "Show Compiled Code" document: its URI scheme, language id, path and links. Pure:
// the VS Code providers in extension.ts only convert what these return.
import type { CompiledCodeResult } from '../../server/src/protocol';

/** URI scheme of the virtual compiled-code documents. */
export const ASM_SCHEME = 'heapscope-asm';

/** Language id of the compiled-code documents, highlighted by syntaxes/heapscope-asm.tmLanguage.json. */
export const ASM_LANGUAGE_ID = 'heapscope-asm';

/**
 * Returns the path part of a function's compiled-code document URI: one document per function,
 * so asking again from the same function shows the same tab (with the code of the latest compile);
 * the last segment is the tab title and the package path its folder.
 */
export function compiledCodeDocumentPath(result: Pick<CompiledCodeResult, 'packagePath' | 'function'>): string {
  const segments = result.packagePath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..' && !/^[A-Za-z]:$/.test(s));
  return `/${[...segments, `${result.function.replace(/[\\/]/g, '_')} (compiled code)`].join('/')}`;
}

/** One link of the document, in the shape VS Code's DocumentLink takes: a range and a file:line target. */
export interface CompiledCodeLinkTarget {
  line: number;
  start: number;
  end: number;
  /** Absolute path of the source file. */
  file: string;
  /** 0-based target line. */
  targetLine: number;
}

/** Returns the links of a compiled-code document to its source lines. */
export function compiledCodeLinks(result: Pick<CompiledCodeResult, 'links'>): CompiledCodeLinkTarget[] {
  return result.links.map((l) => ({ line: l.line, start: l.start, end: l.end, file: l.file, targetLine: Math.max(0, l.fileLine - 1) }));
}
