// The engine's data types. Data flows one way:
//   compiler text → CompilerDecision (parser) → Finding (syntax mapping, messages, profiles) →
//   diagnostics / hovers / fixes (CLI and language server).
// Each stage owns one type; later stages never reach back into an earlier stage's internals.
// These types are part of the JSON contract documented in docs/JSON.md: keep them stable.
import type { DecisionKind } from './kinds';

/** A position as the Go compiler prints it: 1-based line, 1-based byte column (0 = no column). */
export interface CompilerPos {
  /** Absolute path once resolved; as printed by the compiler before resolution. */
  file: string;
  line: number;
  /** 1-based byte column; 0 when the compiler printed none (column 0 or ≥ 255). */
  column: number;
}

/**
 * Every finding kind is a dotted id whose first segment is one of these families
 * (the `kind` field of the JSON contract).
 */
export type KindFamily = 'escape' | 'noescape' | 'leak' | 'inline' | 'capture' | 'devirtualize' | 'alloc' | 'loopvar' | 'prealloc' | 'build' | 'other';

/** The kinds of compiler decisions the parser recognises: derived from the kinds table in kinds.ts. */
export type { DecisionKind };

/** What kind of syntax node a decision is about (nodeMapping.ts maps each onto tree-sitter node types). */
export type NodeShape = 'identifier' | 'funcLiteral' | 'address' | 'composite' | 'call' | 'selector' | 'binary' | 'variadic' | 'funcName' | 'token';

/** One `from <what> (<why>) at <pos>` line of an explanation. */
export interface FlowStep {
  /** The expression the value flows through, e.g. `&p` or `return &p`. */
  expr: string;
  /** The compiler's reason in parentheses, e.g. `address-of`, `return`, `call parameter`. */
  reason: string;
  /** Where that happens; null when the compiler printed no position. */
  pos: CompilerPos | null;
}

/** One `flow: dst = src:` (Go ≤ 1.24) or `flow: dst ← src:` (Go ≥ 1.25) edge with its steps. */
export interface FlowEdge {
  /** Destination location, e.g. `~r0`, `{heap}`, `{storage for func literal}`. */
  to: string;
  /** Source expression, e.g. `&p`, `*{temp}`, `xs`. */
  from: string;
  steps: FlowStep[];
}

/**
 * One explanation block: a header (`x escapes to heap:` / `x escapes to heap in f:` /
 * `parameter p leaks to {heap} with derefs=0:`) and its flow edges, all printed at one position.
 */
export interface Explanation {
  /** The header's text without the trailing colon, exactly as printed. */
  header: string;
  /** The enclosing function when the compiler names it (Go ≥ 1.25). */
  func: string | null;
  /** `derefs=N` of parameter-leak headers. */
  derefs: number | null;
  flows: FlowEdge[];
  /** The raw lines of the block (header included) in order, after `file:line:col: `. */
  lines: string[];
}

/** Kind-specific fields parsed out of a decision's text. Absent fields were not printed. */
export interface DecisionDetails {
  /** Variable, parameter or expression the decision is about (`x`, `make([]byte, n)`, `p`). */
  subject?: string;
  /** Function named by the message (inlining, captures, devirtualizing). */
  func?: string;
  /** Inlining cost (can inline / cannot inline … cost N exceeds budget M). */
  cost?: number;
  budget?: number;
  /** Why a function cannot be inlined, as printed. */
  reason?: string;
  /** `can inline f with cost N as: <body>`. */
  body?: string;
  /** Captures: `(addr=true assign=false width=8)`. */
  addr?: boolean;
  assign?: boolean;
  width?: number;
  /** leak.result: `to result ~r0 level=0`. */
  result?: string;
  level?: number;
  /** devirtualize: the concrete type. */
  target?: string;
  /** escape.heap: trailing reason, e.g. `non-constant size` (Go ≤ 1.24). */
  note?: string;
}

/** One summary line of the compiler's `-m` output, with the explanation blocks printed at its position. */
export interface CompilerDecision {
  kind: DecisionKind;
  pos: CompilerPos;
  /** Exactly what the compiler printed after `file:line:col: `. */
  text: string;
  details: DecisionDetails;
  /** Explanation blocks at the same position, grouped by position (never by adjacency). */
  explanations: Explanation[];
  /** Import path from the `# importpath` header the line was printed under ('' if none). */
  packagePath: string;
}

/** What the parser produces for one compiler run. */
export interface ParsedOutput {
  decisions: CompilerDecision[];
  /** Explanation blocks whose position has no summary line; kept, never dropped. */
  orphanExplanations: Array<{ pos: CompilerPos; packagePath: string; explanation: Explanation }>;
  /** Package headers in the order printed (`# example.com/p [example.com/p.test]`). */
  packageHeaders: string[];
  /** Non-empty lines with no `file:line[:col]: ` position (other than headers), kept verbatim. */
  otherLines: Array<{ packagePath: string; text: string }>;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A range in a file: 1-based lines, 1-based byte columns (as Go tools count), end exclusive. */
export interface ByteRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A text edit in byte coordinates. */
export interface FindingEdit extends ByteRange {
  file: string;
  newText: string;
}

/** A fix a finding offers. `id` is stable across editor, CLI and docs. */
export interface FindingFix {
  id: string;
  title: string;
  edits: FindingEdit[];
  /** Set when the fix may not be needed (the finding is a "may … if …" hint): `heapscope fix` applies it only with --include-uncertain. */
  uncertain?: boolean;
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Allocation cost from profiles; null without a profile. */
export interface AllocCost {
  bytes: number;
  objects: number;
  /** Share of the profile's total for the selected sample type, 0..1. */
  share: number;
  /**
   * Set when another finding on the same line carries the line's cost (a profile cannot tell one
   * line's allocations apart): that finding's kind and position, and the line's share (to rank by,
   * not to add up). This finding's own numbers are then 0.
   */
  countedOn?: { kind: string; line: number; column: number; share: number };
  /** On the finding that carries a line's cost: how many allocation findings of the line it covers, when more than one. */
  lineFindings?: number;
  /** The part of this cost that inlined calls allocate: where, and which call brings it here. */
  inlined?: InlinedCost[];
  /** Allocations of this line's code inlined into callers, counted at those call sites instead. */
  inlinedElsewhere?: InlinedCost[];
}

/** A source line as a profile names it: placed on a local file when it could be. */
export interface ProfileSourceLine {
  function: string;
  file: string;
  line: number;
}

/** Bytes an inlined callee allocates on behalf of a call site. */
export interface InlinedCost {
  bytes: number;
  objects: number;
  /** The callee's line that allocates (the innermost inlined frame). */
  allocatedAt: ProfileSourceLine;
  /** The user's line whose call brings it there (the outermost frame placed on the module). */
  calledAt: ProfileSourceLine;
}

/**
 * What the compiled code does at a finding (the evidence stage): `yes` when an allocator that always
 * allocates is called for it, `may` when only allocators that run-time values decide are (append
 * growth, a conversion with a stack buffer), `no` when none is.
 */
export interface CodeEvidence {
  allocates: 'yes' | 'may' | 'no';
  /** The runtime functions called, e.g. `runtime.newobject`. */
  calls: string[];
}

/** What the user is shown: one per compiler summary line, build error, or profile/fix finding. */
export interface Finding extends ByteRange {
  /** Absolute path. */
  file: string;
  severity: Severity;
  /** A dotted kind id (KindId in kinds.ts; a string in the JSON contract). */
  kind: string;
  /** One plain-language line. */
  message: string;
  /** The compiler's own position and text; null for findings that are not compiler lines. */
  compiler: { line: number; column: number; message: string } | null;
  /** The explanation chain as numbered steps. */
  related: RelatedLocation[];
  fixes: FindingFix[];
  alloc: AllocCost | null;
  /** The compiled code's allocator calls for it; null where the compiled code was not read, absent before the evidence stage. */
  evidence?: CodeEvidence | null;
  /** Import path of the package the finding came from. */
  packagePath: string;
  /** The decision this finding was made from, when it was one. */
  decision: CompilerDecision | null;
  /**
   * The tree-sitter type of the node the range spans, when the range was mapped from a compiler
   * line (null: no node can confirm it, see SyntaxAnchor); absent for other findings. Internal, for
   * tracking the range while the user types: not part of the JSON contract (cli/report.ts picks
   * the fields it prints).
   */
  nodeType?: string | null;
  /**
   * When the decision is about something inside a function inlined at the node (the message says
   * "inside `F`, inlined here"): the functions inlined at the decision's position. The compiled-code
   * join gives such a decision only allocator calls inlined through one of them. Internal.
   */
  inlinedAt?: string[];
}

/** A package as `go list` described it, with the outcome of compiling it. */
export interface PackageResult {
  importPath: string;
  dir: string;
  /** Set when the package is a test variant: `p [p.test]` → ForTest = p. */
  forTest: string | null;
  /** All Go files compiled (absolute): GoFiles, CgoFiles, TestGoFiles, XTestGoFiles as applicable. */
  files: string[];
  /** Load or compile error text; null when the package compiled. */
  error: string | null;
  /** The compiled archive `go list -export` wrote (its `Export` field), read by the evidence stage; absent when none. */
  exportFile?: string;
}
