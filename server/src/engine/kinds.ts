// The one table of finding kinds. Everything that describes a kind — its default severity,
// whether an editor shows it by default, its title and documentation — lives here, and the
// settings documentation (docs/KINDS.md) is generated from it. Like gopls's settings/analysis.go,
// a duplicate id fails at start-up.
import type { KindFamily, Severity } from './types';

/** Where each kind's documentation lives; diagnostics link to `${KIND_DOCS_URL}#<anchor>`. */
export const KIND_DOCS_URL = 'https://github.com/heapscope/heapscope/blob/main/docs/KINDS.md';

export interface KindInfo {
  id: string;
  family: KindFamily;
  /** Short title for settings and docs. */
  title: string;
  /** One or two sentences for a Go developer: what it means and whether to act. */
  description: string;
  /** Severity when the user has not configured one and no profile says otherwise. */
  defaultSeverity: Severity;
  /** Whether an editor (and `heapscope check` without --all) shows it by default. */
  shownByDefault: boolean;
}

const KIND_TABLE: KindInfo[] = [
  {
    id: 'escape.moved',
    family: 'escape',
    title: 'Variable moved to the heap',
    description:
      'A local variable is allocated on the heap because a reference to it outlives the function (returned, stored, captured by an escaping closure, passed to a function that keeps it).',
    defaultSeverity: 'information',
    shownByDefault: true,
  },
  {
    id: 'escape.heap',
    family: 'escape',
    title: 'Value escapes to the heap',
    description:
      'An allocation (make, new, a composite literal, a conversion to an interface or string, append growth) is placed on the heap because the value outlives the function or its size is unknown at compile time.',
    defaultSeverity: 'information',
    shownByDefault: true,
  },
  {
    id: 'escape.closure',
    family: 'escape',
    title: 'Closure allocated on the heap',
    description:
      'A function literal and the variables it captures are allocated on the heap because the closure outlives the function (returned, stored, run as a goroutine or deferred in a loop).',
    defaultSeverity: 'information',
    shownByDefault: true,
  },
  {
    id: 'leak.param',
    family: 'leak',
    title: 'Parameter leaks',
    description:
      'A pointer parameter (or what it points to) is stored somewhere that outlives the call, so every caller must heap-allocate what it passes.',
    defaultSeverity: 'hint',
    shownByDefault: true,
  },
  {
    id: 'leak.content',
    family: 'leak',
    title: 'Parameter content leaks',
    description: 'What a parameter points to leaks, but not the parameter itself.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'leak.result',
    family: 'leak',
    title: 'Parameter flows to a result',
    description: 'A parameter flows to a result; whether it escapes is decided at each call site.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'leak.closure',
    family: 'leak',
    title: 'Closure reference leaks',
    description: 'A variable captured by a closure leaks through the closure.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'noescape',
    family: 'noescape',
    title: 'Does not escape',
    description: 'The value stays on the stack: no heap allocation.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'noescape.zerocopy',
    family: 'noescape',
    title: 'Zero-copy conversion',
    description: 'A string/[]byte conversion shares memory instead of copying: no allocation.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'capture.ref',
    family: 'capture',
    title: 'Captured by reference',
    description:
      'A closure captures a variable by reference (it is assigned after capture, or is large); if the closure escapes, so does the variable.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'capture.value',
    family: 'capture',
    title: 'Captured by value',
    description: 'A closure captures a copy of a variable that is never reassigned.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'inline.can',
    family: 'inline',
    title: 'Can inline',
    description: 'The function is small enough to be inlined at its call sites (cost within the budget).',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'inline.cannot',
    family: 'inline',
    title: 'Cannot inline',
    description: 'The function is not inlined; the reason says why (too costly, unsupported statement, directive).',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'inline.call',
    family: 'inline',
    title: 'Inlined call',
    description: 'The call is replaced by the callee’s body; values it would leak may now stay on the stack.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'devirtualize',
    family: 'devirtualize',
    title: 'Devirtualized call',
    description: 'An interface method call is turned into a direct call to the concrete type’s method.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'loopvar.heap',
    family: 'loopvar',
    title: 'Per-iteration loop variable on the heap',
    description:
      'Since Go 1.22 each iteration has its own loop variable; this one is heap-allocated on every iteration because a closure or pointer keeps it.',
    defaultSeverity: 'information',
    shownByDefault: true,
  },
  {
    id: 'loopvar.stack',
    family: 'loopvar',
    title: 'Per-iteration loop variable on the stack',
    description: 'The per-iteration loop variable stays on the stack.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'other.keptalive',
    family: 'other',
    title: 'Kept alive by b.Loop',
    description: 'testing.B.Loop keeps a value alive so the compiler cannot optimise the benchmarked work away.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'other',
    family: 'other',
    title: 'Other compiler message',
    description: 'A compiler line Heapscope does not recognise, kept with its exact text.',
    defaultSeverity: 'hint',
    shownByDefault: false,
  },
  {
    id: 'build',
    family: 'build',
    title: 'Compile error',
    description: 'The package does not compile; escape analysis needs a package that type-checks.',
    defaultSeverity: 'error',
    shownByDefault: true,
  },
  {
    id: 'alloc.site',
    family: 'alloc',
    title: 'Allocation site from a profile',
    description:
      'A line that allocates in the loaded profile but has no compiler decision (runtime growth such as append or map buckets, or code in a dependency inlined here).',
    defaultSeverity: 'hint',
    shownByDefault: true,
  },
];

const KINDS = new Map<string, KindInfo>();

function addKind(k: KindInfo): void {
  if (KINDS.has(k.id)) throw new Error(`duplicate finding kind ${k.id}`);
  if (k.id.split('.')[0] !== k.family) throw new Error(`kind ${k.id} is not in family ${k.family}`);
  KINDS.set(k.id, k);
}

for (const k of KIND_TABLE) addKind(k);

/** Every registered kind, in table order. */
export function allKinds(): readonly KindInfo[] {
  return KIND_TABLE;
}

/** Registers kinds that other modules own (fixes, profiles). Throws on a duplicate id. */
export function registerKinds(extra: readonly KindInfo[]): void {
  for (const k of extra) {
    addKind(k);
    KIND_TABLE.push(k);
  }
}

/** The kind's description, falling back to its family's generic entry for unknown ids. */
export function kindInfo(id: string): KindInfo {
  return KINDS.get(id) ?? KINDS.get(id.split('.')[0] ?? '') ?? (KINDS.get('other') as KindInfo);
}

/** The anchor of a kind in docs/KINDS.md. */
export function kindDocsAnchor(id: string): string {
  return id.replace(/\./g, '-');
}

/** The documentation link for a kind. */
export function kindDocsUrl(id: string): string {
  return `${KIND_DOCS_URL}#${kindDocsAnchor(id)}`;
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
