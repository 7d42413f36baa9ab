// A file's Go language version, which decides whether loop variables are per-loop (< 1.22)
// or per-iteration (≥ 1.22).
//
// The rule (go/types and types2, see golang/go#68658 and the Go 1.21 release notes): the go.mod
// `go` line sets the version; a file's `//go:build` line that implies a minimum Go version
// (constraint.GoVersion: the lowest go1.N the expression requires) sets that file's version to
// max(that version, go1.21) — it may upgrade or downgrade, but never below go1.21, the first
// release that understood the rule. Verified with go1.26: in a `go 1.22` module a file with
// `//go:build go1.20` still compiles with shared loop variables (`moved to heap: i`), and in a
// `go 1.20` module a `//go:build go1.22` file gets per-iteration ones.
// GOEXPERIMENT=loopvar gives every file the new semantics.

/** A Go language version as [major, minor]. */
export type GoLangVersion = readonly [number, number];

/** Parses `1.21`, `1.21.3`, `go1.21`, `go1.21rc1`; null when it is not a version. */
export function parseGoVersion(text: string): GoLangVersion | null {
  const m = /^(?:go)?(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Negative, zero or positive as a is older than, equal to or newer than b. */
export function compareGoVersions(a: GoLangVersion, b: GoLangVersion): number {
  return a[0] - b[0] || a[1] - b[1];
}

const GO1_21: GoLangVersion = [1, 21];
const GO1_22: GoLangVersion = [1, 22];

/** The `//go:build` expression of a file (before the package clause), or null. */
export function buildConstraint(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    // `//go:build` must come before the package clause; any code or block comment ends the header.
    if (!line.startsWith('//')) return null;
    const expr = /^\/\/go:build\s+(.*)$/.exec(line)?.[1];
    if (expr !== undefined) return expr.trim();
  }
  return null;
}

/**
 * The minimum Go version a build expression implies, like go/build/constraint.GoVersion:
 * `go1.21 && linux` → 1.21, `go1.21 || go1.22` → 1.21, `!go1.22` or `linux` → null.
 */
export function constraintGoVersion(expr: string): GoLangVersion | null {
  const tokens = expr.match(/&&|\|\||[!()]|[^\s!()&|]+/g) ?? [];
  let pos = 0;
  // Each parse function returns the minimum version its sub-expression implies (null: none).
  const parseOr = (): GoLangVersion | null => {
    let v = parseAnd();
    while (tokens[pos] === '||') {
      pos++;
      const w = parseAnd();
      v = v && w ? (compareGoVersions(v, w) <= 0 ? v : w) : null;
    }
    return v;
  };
  const parseAnd = (): GoLangVersion | null => {
    let v = parseNot();
    while (tokens[pos] === '&&') {
      pos++;
      const w = parseNot();
      v = !v ? w : !w ? v : compareGoVersions(v, w) >= 0 ? v : w;
    }
    return v;
  };
  const parseNot = (): GoLangVersion | null => {
    const t = tokens[pos++];
    if (t === '!') {
      parseNot();
      return null;
    }
    if (t === '(') {
      const v = parseOr();
      pos++; // ')'
      return v;
    }
    return t !== undefined && /^go1\.\d+$/.test(t) ? parseGoVersion(t) : null;
  };
  return parseOr();
}

/** How a file's language version was decided. */
export interface FileLanguageVersion {
  /** The version, or null when unknown (no go.mod go line and no build line). */
  version: GoLangVersion | null;
  /** Whether loop variables are per-iteration (Go 1.22 semantics) in this file; null when unknown. */
  perIterationLoopVars: boolean | null;
}

/** The language version of a file from its text, the go.mod go line and GOEXPERIMENT=loopvar. */
export function fileLanguageVersion(text: string, goVersion: { module: string | null; goexperimentLoopvar: boolean }): FileLanguageVersion {
  const moduleVersion = goVersion.module ? parseGoVersion(goVersion.module) : null;
  const expr = buildConstraint(text);
  const fromBuild = expr ? constraintGoVersion(expr) : null;
  let version = moduleVersion;
  if (fromBuild) version = compareGoVersions(fromBuild, GO1_21) >= 0 ? fromBuild : GO1_21;
  if (goVersion.goexperimentLoopvar) return { version, perIterationLoopVars: true };
  return { version, perIterationLoopVars: version ? compareGoVersions(version, GO1_22) >= 0 : null };
}

/** Whether GOEXPERIMENT (comma-separated) turns on the loopvar experiment. */
export function goexperimentHasLoopvar(goexperiment: string | undefined): boolean {
  return (goexperiment ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes('loopvar');
}
