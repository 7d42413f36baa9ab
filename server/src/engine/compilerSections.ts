// The one owner of the `# importpath` sections of the compiler's output. `go list -gcflags=-m=2`
// prints each compiled package's decisions on stderr under a `# importpath` header (`# p [p.test]`
// for a test variant), mixed with the go command's own messages. Here stderr is split into those
// sections, the sections of packages in scope are kept, and their text is joined into the output
// the parser (compilerOutput.ts) reads, headers included: a header tells it which package's files
// the following paths name.

import type { PackageResult } from './types';

/** One `# header` section of the compiler's output. */
export interface CompilerSection {
  /** The header as printed, e.g. 'p [p.test]': go list's ImportPath of the package. */
  packagePath: string;
  /** The lines after the header, each ending in a newline. */
  text: string;
}

/**
 * Splits stderr into `# header` sections; lines outside any section and `go:` messages go to `other`.
 * A section's lines are copied as runs between the lines that leave it, not one by one: net/http
 * prints 35,000 lines.
 */
export function splitSections(stderr: string): { sections: CompilerSection[]; other: string } {
  const sections: CompilerSection[] = [];
  let other = '';
  let current: CompilerSection | null = null;
  // The run of lines [runStart, at) not yet added to the current section.
  let runStart = 0;
  const flush = (at: number): void => {
    if (current !== null && at > runStart) current.text += stderr.slice(runStart, at);
  };
  for (let at = 0; at < stderr.length;) {
    const nl = stderr.indexOf('\n', at);
    const next = nl < 0 ? stderr.length : nl + 1;
    const packagePath = stderr.startsWith('# ', at) ? /^# (.+?)\r?\n?$/.exec(stderr.slice(at, next))?.[1] : undefined;
    if (packagePath !== undefined) {
      flush(at);
      current = { packagePath, text: '' };
      sections.push(current);
      runStart = next;
    } else if (current === null || stderr.startsWith('go: ', at)) {
      flush(at);
      other += stderr.slice(at, next);
      runStart = next;
    }
    at = next;
  }
  flush(stderr.length);
  if (current !== null && current.text !== '' && !current.text.endsWith('\n')) current.text += '\n';
  return { sections, other };
}

/**
 * Returns the text of the sections of the packages in scope, each after its `# header` line.
 * selectPackages keeps a test variant instead of its plain package, so the variant's section, a
 * superset of the plain one, replaces it and each decision is reported once.
 */
export function sectionsOutput(sections: readonly CompilerSection[], packages: readonly PackageResult[]): string {
  const inScope = new Set(packages.map((p) => p.importPath));
  return sections
    .filter((s) => inScope.has(s.packagePath))
    .map((s) => `# ${s.packagePath}\n${s.text}`)
    .join('');
}
