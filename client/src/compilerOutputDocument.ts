// The read-only "Show Compiler Output" document: its URI scheme, language id and text.
import type { CompilerOutputResult } from '../../server/src/protocol';

/** URI scheme of the virtual compiler-output documents. */
export const OUTPUT_SCHEME = 'heapscope-output';

/** Language id of the compiler-output documents, highlighted by syntaxes/go-compiler-output.tmLanguage.json. */
export const OUTPUT_LANGUAGE_ID = 'heapscope-compiler-output';

/**
 * Returns the path part of a package's output document URI. One document per package, so
 * asking from two files of a package shows the same tab; the last segment is the tab title and
 * the package path appears as its folder when VS Code disambiguates tabs.
 */
export function outputDocumentPath(packagePath: string): string {
  const segments = packagePath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..' && !/^[A-Za-z]:$/.test(s));
  return `/${[...segments, 'compiler output (-m=2)'].join('/')}`;
}

/** Returns the document text: the raw output, or a `#` header saying why there is none. */
export function outputDocumentText(result: CompilerOutputResult): string {
  if (result.text !== '') return result.text;
  return `# ${result.packagePath}\n# No compiler output: ${result.message ?? 'the package has not been analysed yet.'}\n`;
}
