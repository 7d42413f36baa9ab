// What heapscope puts on the standard LSP objects it sends: each diagnostic's source and `data`,
// and the code actions' kinds and `data` (resolved lazily with codeAction/resolve).

/** The code action kind of "fix all heapscope findings in this document". */
export const FIX_ALL_KIND = 'source.fixAll.heapscope';

/** Diagnostic source of every heapscope diagnostic. */
export const DIAGNOSTIC_SOURCE = 'heapscope';

/** What each diagnostic's `data` carries so code actions and hovers can find the finding again. */
export interface DiagnosticData {
  /** Stable key of the finding within its package result (kind + compiler position). */
  key: string;
  /** Ids of the fixes the finding offers now; absent when none (or an edit withdrew them until the next compile). */
  fixIds?: string[];
  /** Set on diagnostics kept from an earlier compile while the package does not compile. */
  stale?: boolean;
}

/** Data of a code action awaiting codeAction/resolve. */
export interface CodeActionData {
  uri: string;
  /** Finding keys; one for a quickfix, all with fixes for fixAll. */
  keys: string[];
  /** Fix id for a quickfix; undefined for fixAll (each finding's first fix). */
  fixId?: string;
}

/** Suffix appended to diagnostics kept from the last good compile while the package does not compile. */
export const STALE_SUFFIX = ' (stale: package does not compile)';
