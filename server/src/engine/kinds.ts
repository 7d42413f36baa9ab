// The registry of finding kinds and fixes: one table of every kind a finding can have and one of
// every fix, with everything that describes them — titles, default severity and visibility, the
// syntax node a compiler kind is about, how a profile weighs it, its fixes and documentation.
// Like gopls's settings/analysis.go; a duplicate id fails at start-up. docs/KINDS.md, docs/FIXES.md
// and the `heapscope.kinds` setting's schema are generated from it (scripts/gen-docs.ts).
//
// Pure data and plain functions, importing only types: the VS Code client bundles it (Toggle Kinds).
// The fix finders live in server/src/fixes/, attached by id in fixes/index.ts.
import type { KindFamily, NodeShape, Severity } from './types';

/** Where each kind's documentation lives; diagnostics link to `${KIND_DOCS_URL}#<anchor>`. */
export const KIND_DOCS_URL = 'https://github.com/heapscope/heapscope/blob/main/docs/KINDS.md';
/** Where each fix's documentation lives (`${FIX_DOCS_URL}#<fix id>`). */
export const FIX_DOCS_URL = 'https://github.com/heapscope/heapscope/blob/main/docs/FIXES.md';

/**
 * What makes findings of a kind: a compiler `-m` line, a compile error, a profile's hot line, a fix
 * finder, or the compiled code (the evidence stage: allocator calls in the package's object code).
 */
export type KindSource = 'compiler' | 'build' | 'profile' | 'fix' | 'code';

/**
 * The syntax node a compiler kind's findings sit on (nodeMapping.ts maps it onto tree-sitter node types);
 * `bySubject` when the shape follows the subject the compiler prints (`escape.heap`, `noescape`:
 * `&T{…}` is an address, `make(…)` a call).
 */
export type KindShape = NodeShape | 'bySubject';

/** What every entry of the kinds table says. */
interface KindFields {
  /** `family.name`, or the family alone; stable across releases (settings, JSON, SARIF, docs). */
  id: string;
  family: KindFamily;
  /** Short title for settings, hovers and docs. */
  title: string;
  /** One or two sentences for a Go developer: what it means and whether to act. */
  description: string;
  /** Severity when the user has not configured one and no profile says otherwise. */
  defaultSeverity: Severity;
  /** Whether an editor (and `heapscope check` without --all) shows it by default. */
  shownByDefault: boolean;
  /** Whether a finding of this kind is a heap allocation (counted in the status bar). */
  heap: boolean;
  /** With a profile loaded, the severity follows the share of the profile at the finding's line. */
  weighedByProfile: boolean;
  /**
   * A bug rather than a cost: the severity stays whatever the profile says (so never
   * weighedByProfile), and its fix changes behaviour on purpose.
   */
  correctness: boolean;
}

/** A kind the compiler's `-m=2` output reports: its findings are mapped onto a node of `shape`. */
interface CompilerKindFields extends KindFields {
  source: 'compiler';
  shape: KindShape;
}

/** A kind Heapscope makes itself (compile errors, profiles, fixes): its findings carry their own range. */
interface OtherKindFields extends KindFields {
  source: Exclude<KindSource, 'compiler'>;
}

/** One entry of the kinds table. */
export type KindEntry = CompilerKindFields | OtherKindFields;

/**
 * Every finding kind, in the order docs, settings and Toggle Kinds list them. The fixes a kind
 * offers are not listed here: each fix in FIX_TABLE names its kind (see KindInfo.fixes).
 */
export const KIND_TABLE = [
  {
    id: 'escape.moved',
    family: 'escape',
    title: 'Variable moved to the heap',
    description: 'A local variable is allocated on the heap because a reference to it outlives the function (returned, stored, captured by an escaping closure, passed to a function that keeps it).',
    defaultSeverity: 'information',
    shownByDefault: true,
    source: 'compiler',
    shape: 'identifier',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'escape.heap',
    family: 'escape',
    title: 'Value escapes to the heap',
    description:
      'An allocation (make, new, a composite literal, a conversion to an interface or string, append growth) is placed on the heap because the value outlives the function or its size is unknown at compile time.',
    defaultSeverity: 'information',
    shownByDefault: true,
    source: 'compiler',
    shape: 'bySubject',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'escape.closure',
    family: 'escape',
    title: 'Closure allocated on the heap',
    description: 'A function literal and the variables it captures are allocated on the heap because the closure outlives the function (returned, stored, run as a goroutine or deferred in a loop).',
    defaultSeverity: 'information',
    shownByDefault: true,
    source: 'compiler',
    shape: 'funcLiteral',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'escape.free',
    family: 'escape',
    title: 'Escapes, but nothing is allocated',
    description:
      'The compiler says the value escapes, but the compiled code calls no allocator for it: a constant boxed into an interface points at read-only data, a zero-sized value at the runtime’s zerobase. The message says why.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'code',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'leak.param',
    family: 'leak',
    title: 'Parameter leaks',
    description: 'A pointer parameter (or what it points to) is stored somewhere that outlives the call, so every caller must heap-allocate what it passes.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'leak.content',
    family: 'leak',
    title: 'Parameter content leaks',
    description: 'What a parameter points to leaks, but not the parameter itself.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'leak.result',
    family: 'leak',
    title: 'Parameter flows to a result',
    description: 'A parameter flows to a result; whether it escapes is decided at each call site.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'leak.closure',
    family: 'leak',
    title: 'Closure reference leaks',
    description: 'A variable captured by a closure leaks through the closure.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'noescape',
    family: 'noescape',
    title: 'Does not escape',
    description: 'The value stays on the stack: no heap allocation.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'bySubject',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'noescape.zerocopy',
    family: 'noescape',
    title: 'Zero-copy conversion',
    description: 'A string/[]byte conversion shares memory instead of copying: no allocation.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'call',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'capture.ref',
    family: 'capture',
    title: 'Captured by reference',
    description: 'A closure captures a variable by reference (it is assigned after capture, or is large); if the closure escapes, so does the variable.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'capture.value',
    family: 'capture',
    title: 'Captured by value',
    description: 'A closure captures a copy of a variable that is never reassigned.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'inline.can',
    family: 'inline',
    title: 'Can inline',
    description: 'The function is small enough to be inlined at its call sites (cost within the budget).',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'funcName',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'inline.cannot',
    family: 'inline',
    title: 'Cannot inline',
    description: 'The function is not inlined; the reason says why (too costly, unsupported statement, directive).',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'funcName',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'inline.call',
    family: 'inline',
    title: 'Inlined call',
    description: 'The call is replaced by the callee’s body; values it would leak may now stay on the stack.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'call',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'devirtualize',
    family: 'devirtualize',
    title: 'Devirtualized call',
    description: 'An interface method call is turned into a direct call to the concrete type’s method.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'call',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'loopvar.heap',
    family: 'loopvar',
    title: 'Per-iteration loop variable on the heap',
    description: 'Since Go 1.22 each iteration has its own loop variable; this one is heap-allocated on every iteration because a closure or pointer keeps it.',
    defaultSeverity: 'information',
    shownByDefault: true,
    source: 'compiler',
    shape: 'identifier',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'loopvar.stack',
    family: 'loopvar',
    title: 'Per-iteration loop variable on the stack',
    description: 'The per-iteration loop variable stays on the stack.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'other.keptalive',
    family: 'other',
    title: 'Kept alive by b.Loop',
    description: 'testing.B.Loop keeps a value alive so the compiler cannot optimise the benchmarked work away.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'identifier',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'other',
    family: 'other',
    title: 'Other compiler message',
    description: 'A compiler line Heapscope does not recognise, kept with its exact text.',
    defaultSeverity: 'hint',
    shownByDefault: false,
    source: 'compiler',
    shape: 'token',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'build',
    family: 'build',
    title: 'Compile error',
    description: 'The package does not compile; escape analysis needs a package that type-checks.',
    defaultSeverity: 'error',
    shownByDefault: true,
    source: 'build',
    heap: false,
    weighedByProfile: false,
    correctness: false,
  },
  {
    id: 'alloc.site',
    family: 'alloc',
    title: 'Allocation site from a profile',
    description:
      'A line that allocates in the loaded profile but has no allocation finding of its own (code the compiled-code stage cannot see, such as a dependency called here, or a run without the compiled code read).',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'profile',
    heap: false,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.growslice',
    family: 'alloc',
    title: '`append` may grow the slice on the heap',
    description:
      '`append` calls `runtime.growslice` when the capacity is too small, which allocates a new backing array on the heap even when escape analysis says the slice does not escape. Found in the compiled code; pre-allocating the capacity avoids it.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'code',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.concat',
    family: 'alloc',
    title: 'String concatenation allocates',
    description: '`a + b` calls `runtime.concatstring*`, which allocates the result unless it is empty or fits a 32-byte stack buffer and does not escape. Found in the compiled code.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'code',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.convert',
    family: 'alloc',
    title: 'Conversion to an interface copies the value',
    description:
      'Converting a non-constant value to an interface (`any`, `error`, a `...any` argument) calls `runtime.convT*`, which copies it to the heap; integers below 256, the empty string and nil slices come from static data. Found in the compiled code.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'code',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.bytes',
    family: 'alloc',
    title: 'String and byte-slice conversion copies',
    description:
      '`[]byte(s)`, `[]rune(s)` and `string(b)` copy their contents into a new allocation (`runtime.stringtoslicebyte`, `runtime.slicebytetostring`, …) unless the result is short and does not escape (a 32-byte stack buffer). Found in the compiled code.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'code',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.map',
    family: 'alloc',
    title: 'Map storage allocated or grown',
    description:
      'A map’s storage is allocated on the heap (`runtime.makemap*`) or grows when an assignment finds it full (`runtime.mapassign*`). Found in the compiled code; a size hint in `make` avoids the growth.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'code',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.object',
    family: 'alloc',
    title: 'Allocation in the compiled code',
    description:
      'The compiled code calls an allocator (`runtime.newobject`, `runtime.makeslice`, `runtime.mallocgc*`, …) at a line where escape analysis reported no heap allocation, typically code inlined from another package.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'code',
    heap: true,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'loopvar.capture',
    family: 'loopvar',
    title: 'Loop variable captured across iterations',
    description:
      'Before Go 1.22 a closure that outlives its iteration shares the loop variable with every other iteration and may see a later value. A warning where the closure outlives the iteration (go, a defer in the loop body, stored outside the loop, sent, a parallel subtest); a "may … if …" hint where that cannot be shown either way. Fix: copy-loop-var.',
    defaultSeverity: 'warning',
    shownByDefault: true,
    source: 'fix',
    heap: false,
    // A goroutine that sees a later iteration's variable is a bug even when it allocates nothing.
    weighedByProfile: false,
    correctness: true,
  },
  {
    id: 'prealloc.slice',
    family: 'prealloc',
    title: 'Slice could be pre-allocated',
    description: 'A slice grows by append once per iteration of a loop whose length is known. Fix: prealloc-slice. A hint unless a profile shows the line allocating.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'fix',
    heap: false,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'prealloc.map',
    family: 'prealloc',
    title: 'Map could be pre-sized',
    description: 'A map gets one entry per iteration of a loop whose length is known. Fix: prealloc-map. A hint unless a profile shows the line allocating.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'fix',
    heap: false,
    weighedByProfile: true,
    correctness: false,
  },
  {
    id: 'alloc.sprintf',
    family: 'alloc',
    title: 'fmt.Sprintf of an int',
    description: 'fmt.Sprintf("%d", n) allocates more than strconv.Itoa(n) for the same text. Fix: sprintf-itoa. A hint unless a profile shows the line allocating.',
    defaultSeverity: 'hint',
    shownByDefault: true,
    source: 'fix',
    heap: false,
    weighedByProfile: true,
    correctness: false,
  },
] as const satisfies readonly KindEntry[];

/** Every kind id. */
export type KindId = (typeof KIND_TABLE)[number]['id'];

/** The kinds of compiler decisions the parser recognises (classify.ts): the table's `compiler` kinds. */
export type DecisionKind = Extract<(typeof KIND_TABLE)[number], { source: 'compiler' }>['id'];

/** What every entry of the fixes table says. */
export interface FixEntry {
  /** Stable id: editor code actions, CLI JSON, `heapscope fix --only`, the anchor in docs/FIXES.md. */
  id: string;
  /** The quick-fix menu text. */
  title: string;
  /** The finding kind whose findings carry this fix. */
  kind: KindId;
  /** What the fix does and when it is offered, for docs/FIXES.md. */
  description: string;
}

/**
 * Every fix, in the order the CLI applies them. Each fix's finder is attached by id in
 * server/src/fixes/index.ts (a `Record<FixId, …>`, so a fix without a finder does not compile).
 */
export const FIX_TABLE = [
  {
    id: 'copy-loop-var',
    title: 'Copy loop variable',
    kind: 'loopvar.capture',
    description:
      'Before Go 1.22 a loop variable is shared by all iterations; a goroutine, deferred function, closure stored outside the loop or sent, or parallel subtest that captures it may see a later value. Inserts `v := v` as the first statement of the loop body. Offered only in files whose language version is below 1.22; on a "may" hint `heapscope fix` applies it only with --include-uncertain.',
  },
  {
    id: 'prealloc-slice',
    title: 'Pre-allocate slice',
    kind: 'prealloc.slice',
    description:
      'A slice that starts empty gets exactly one append per iteration of a loop with a known trip count. Gives it that capacity (`make([]T, 0, n)`, never `make([]T, n)`), keeping nil slices nil after zero iterations.',
  },
  {
    id: 'prealloc-map',
    title: 'Pre-size map',
    kind: 'prealloc.map',
    description: 'A map that starts empty gets one assignment per iteration of a loop with a known trip count. Gives it a size hint (`make(map[K]V, n)`), which only avoids rehashing while it grows.',
  },
  {
    id: 'sprintf-itoa',
    title: 'Use strconv.Itoa',
    kind: 'alloc.sprintf',
    description:
      '`fmt.Sprintf("%d", n)` with an int n boxes n and runs fmt; `strconv.Itoa(n)` prints the same digits with fewer allocations. Adds the strconv import and drops fmt when it was the last use.',
  },
] as const satisfies readonly FixEntry[];

/** Every fix id. */
export type FixId = (typeof FIX_TABLE)[number]['id'];

/** A kind as the rest of Heapscope reads it: its table entry and what is derived from the tables. */
export interface KindInfo {
  id: KindId;
  family: KindFamily;
  title: string;
  description: string;
  defaultSeverity: Severity;
  shownByDefault: boolean;
  source: KindSource;
  /** The node shape of a compiler kind; null for the kinds Heapscope makes itself. */
  shape: KindShape | null;
  heap: boolean;
  weighedByProfile: boolean;
  correctness: boolean;
  /** The fixes whose findings have this kind, in FIX_TABLE order. */
  fixes: readonly FixId[];
  /** The anchor of the kind's section in docs/KINDS.md. */
  docsAnchor: string;
}

/** A fix as the rest of Heapscope reads it; severity and correctness are its kind's. */
export interface FixInfo {
  id: FixId;
  title: string;
  kind: KindId;
  description: string;
  /** The severity of its findings without a profile (its kind's default). */
  defaultSeverity: Severity;
  /** Whether the fix changes behaviour on purpose (its kind is a correctness kind) rather than only allocations. */
  correctness: boolean;
  /** The anchor of the fix's section in docs/FIXES.md: its id. */
  docsAnchor: string;
}

/** The anchor of a kind in docs/KINDS.md. */
export function kindDocsAnchor(id: string): string {
  return id.replace(/\./g, '-');
}

/**
 * Checks the tables and derives what the rest of Heapscope reads. Throws on a duplicate kind or
 * fix id, a kind outside its family, a correctness kind weighed by a profile, or a fix whose kind
 * is not in the table. Exported for tests; runs once at start-up on the two tables.
 */
export function buildRegistry(kinds: readonly KindEntry[], fixes: readonly FixEntry[]): { kinds: ReadonlyMap<string, KindInfo>; fixes: ReadonlyMap<string, FixInfo> } {
  const kindMap = new Map<string, KindInfo>();
  for (const k of kinds) {
    if (kindMap.has(k.id)) throw new Error(`duplicate finding kind ${k.id}`);
    if (k.id.split('.')[0] !== k.family) throw new Error(`kind ${k.id} is not in family ${k.family}`);
    if (k.correctness && k.weighedByProfile) throw new Error(`correctness kind ${k.id} cannot be weighed by a profile`);
    kindMap.set(k.id, {
      ...k,
      id: k.id as KindId,
      shape: k.source === 'compiler' ? k.shape : null,
      fixes: fixes.filter((f) => f.kind === k.id).map((f) => f.id as FixId),
      docsAnchor: kindDocsAnchor(k.id),
    });
  }
  const fixMap = new Map<string, FixInfo>();
  for (const f of fixes) {
    if (fixMap.has(f.id)) throw new Error(`duplicate fix id ${f.id}`);
    const kind = kindMap.get(f.kind);
    if (kind === undefined) throw new Error(`fix ${f.id} names unknown kind ${f.kind}`);
    fixMap.set(f.id, { ...f, id: f.id as FixId, defaultSeverity: kind.defaultSeverity, correctness: kind.correctness, docsAnchor: f.id });
  }
  return { kinds: kindMap, fixes: fixMap };
}

const REGISTRY = buildRegistry(KIND_TABLE, FIX_TABLE);
const KINDS: readonly KindInfo[] = [...REGISTRY.kinds.values()];
const FIXES: readonly FixInfo[] = [...REGISTRY.fixes.values()];

/** Every kind, in table order. */
export function allKinds(): readonly KindInfo[] {
  return KINDS;
}

/** The kind's entry, falling back to its family's generic entry for unknown ids (from user settings, newer servers). */
export function kindInfo(id: string): KindInfo {
  return REGISTRY.kinds.get(id) ?? REGISTRY.kinds.get(id.split('.')[0] ?? '') ?? (REGISTRY.kinds.get('other') as KindInfo);
}

/** Every fix, in the order the CLI applies them. */
export function allFixes(): readonly FixInfo[] {
  return FIXES;
}

/** The fix with this id, or undefined. */
export function fixInfo(id: string): FixInfo | undefined {
  return REGISTRY.fixes.get(id);
}

/** The node shape a compiler decision kind maps to. */
export function decisionShape(kind: DecisionKind): KindShape {
  // Every `compiler` entry has a shape: the table's type requires it.
  return (REGISTRY.kinds.get(kind) as KindInfo).shape as KindShape;
}

/** The documentation link for a kind. */
export function kindDocsUrl(id: string): string {
  return `${KIND_DOCS_URL}#${kindDocsAnchor(id)}`;
}

/** The documentation link for a fix. */
export function fixDocsUrl(id: string): string {
  return `${FIX_DOCS_URL}#${id}`;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** A severity's rank: 0 for error, the most severe, up to 3 for hint. */
export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

/** True when `a` is at least as severe as `b`. */
export function severityAtLeast(a: Severity, b: Severity): boolean {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b];
}

/** Parses a severity name as users write it (info, information, warn, …); null when unknown. */
export function parseSeverity(text: string): Severity | null {
  switch (text.toLowerCase()) {
    case 'error':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warning';
    case 'info':
    case 'information':
      return 'information';
    case 'hint':
      return 'hint';
    default:
      return null;
  }
}
