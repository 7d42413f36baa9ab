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
  const stream = new SectionStream((s) => sections.push(s));
  stream.write(stderr);
  const other = stream.end();
  return { sections, other };
}

/**
 * Splits stderr into sections as it arrives. go prints each package's output in one piece when
 * the package is compiled, so a section is complete when the next header (or the end) arrives:
 * each is handed to `onSection` then and not kept.
 */
export class SectionStream {
  private current: CompilerSection | null = null;
  /** A line not yet ended by a newline. */
  private partial = '';
  private other = '';

  constructor(private readonly onSection: (section: CompilerSection) => void) {}

  /** Takes the next chunk of stderr. */
  write(chunk: string): void {
    const text = this.partial === '' ? chunk : this.partial + chunk;
    const lastLine = text.lastIndexOf('\n') + 1;
    this.partial = text.slice(lastLine);
    this.lines(text, lastLine);
  }

  /** Ends the stream: hands on the last section; returns the lines outside any section. */
  end(): string {
    const rest = this.partial;
    this.partial = '';
    this.lines(rest, rest.length);
    const last = this.current;
    this.current = null;
    if (last !== null) {
      if (last.text !== '' && !last.text.endsWith('\n')) last.text += '\n';
      this.onSection(last);
    }
    return this.other;
  }

  /** Splits the whole lines text[0, end) (the last may lack its newline at the end of the stream). */
  private lines(text: string, end: number): void {
    // The run of lines [runStart, at) not yet added to the current section.
    let runStart = 0;
    const flush = (at: number): void => {
      if (this.current !== null && at > runStart) this.current.text += text.slice(runStart, at);
    };
    for (let at = 0; at < end;) {
      const nl = text.indexOf('\n', at);
      const next = nl < 0 || nl >= end ? end : nl + 1;
      const packagePath = text.startsWith('# ', at) ? /^# (.+?)\r?\n?$/.exec(text.slice(at, next))?.[1] : undefined;
      if (packagePath !== undefined) {
        flush(at);
        if (this.current !== null) this.onSection(this.current);
        this.current = { packagePath, text: '' };
        runStart = next;
      } else if (this.current === null || text.startsWith('go: ', at)) {
        flush(at);
        this.other += text.slice(at, next);
        runStart = next;
      }
      at = next;
    }
    flush(end);
  }
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

/**
 * Whether a section is in scope before go's package list is known, as sectionsOutput would decide
 * once it is: 'yes', 'no', or 'later' for a plain package whose test variant may still replace it
 * (`hasTestVariant` says whether it may have one — it has test files: a main package with only
 * external tests is compiled again too — or undefined when not known). Out of scope: the generated `p.test` main package and dependencies compiled
 * again for a test (`q [p.test]`), which go list does not list.
 */
export function sectionScope(header: string, tests: boolean, hasTestVariant: (importPath: string) => boolean | undefined): 'yes' | 'no' | 'later' {
  const variant = / \[(.+)\.test\]$/.exec(header);
  if (variant) {
    const importPath = header.slice(0, variant.index);
    const of = variant[1] as string;
    return importPath === of || importPath === `${of}_test` ? 'yes' : 'no';
  }
  if (tests && header.endsWith('.test')) return 'no';
  if (!tests) return 'yes';
  return hasTestVariant(header) === false ? 'yes' : 'later';
}
