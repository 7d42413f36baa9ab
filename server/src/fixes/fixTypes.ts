// The input every fix module reads: one parsed file, the compiler's findings for it, and what
// decides its language version.
import type { GoSourceFile } from '../engine/sourceFile';
import type { CompilerDecision, Finding } from '../engine/types';
import type { NonEscapingParams } from './callees';

/** The Go version facts that decide a file's language version. */
export interface GoVersionInfo {
  /** The go.mod `go` line (e.g. "1.21"); null when unknown. */
  module: string | null;
  /** GOEXPERIMENT contains loopvar: every file has Go 1.22 loop semantics. */
  goexperimentLoopvar: boolean;
}

/** What findFixes needs for one file. */
export interface FixInput {
  /** Absolute path. */
  file: string;
  source: GoSourceFile;
  /** The compiler's findings for this file (before any profile is joined); empty when compiler output is not available. */
  findings: readonly Finding[];
  /**
   * Every compiler decision printed for this file, of any kind, whatever the caller shows (absent:
   * the decisions of `findings`). Evidence must not depend on the kinds shown, or check, fix and
   * the editor would decide differently.
   */
  decisions?: readonly CompilerDecision[];
  /** The compiler's word on the parameters of the functions of this file's package directory (copy-loop-var). */
  nonEscapingParams?: NonEscapingParams;
  goVersion: GoVersionInfo;
  /**
   * The names declared at package level in any file of the file's package (and bound by this
   * file's imports): an inserted `len`, `make` or `strconv` must not mean one of them. Absent when
   * unknown; the file's own declarations are always checked.
   */
  packageNames?: ReadonlySet<string>;
  /** Let prealloc fixes use an upper bound of the count (conditional appends, loops with break/continue). Default false. */
  allowUpperBound?: boolean;
}

export type { Finding };

/** Everything a finder reads besides the parsed file: what the language server keeps to re-check a fix on edited text. */
export type FixContext = Omit<FixInput, 'source'>;
