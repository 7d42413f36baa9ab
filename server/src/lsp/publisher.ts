// The diagnostics of open documents as they are published: which tracked findings are shown, one
// cached diagnostic per finding, short keys that name findings in diagnostics and code actions,
// and explanation-step positions on the text the compiler saw. Re-publishing after an edit only
// places ranges: everything else is built once per finding and settings object.
import type { Diagnostic, Range } from 'vscode-languageserver';
import { severityRank } from '../engine/kinds';
import { LineIndex } from '../engine/positions';
import { isKindShown, presentFinding } from '../engine/present';
import type { Finding, FindingFix } from '../engine/types';
import { bytePosition, findingDiagnostic, type RelatedPosition } from './diagnostics';
import type { OpenDocument, TrackedFinding } from './documents';
import type { HeapscopeSettings } from '../protocol';
import { CACHED_JSON, diagnosticTail, type CachedDiagnostic } from './wire';

/** At most this many diagnostics per document (a generated 1 MB file can have tens of thousands). */
export const MAX_DIAGNOSTICS_PER_FILE = 2500;

/** The text the compiler saw for each file of a package's results. */
export interface CompiledTexts {
  readonly texts: ReadonlyMap<string, string>;
}

/** A tracked finding and the finding as the settings show it (severity, visibility). */
export interface ShownFinding {
  t: TrackedFinding;
  f: Finding;
}

/** What the publisher needs from the session. */
export interface PublisherContext {
  settingsFor(file: string): HeapscopeSettings;
  /** The results a document's findings come from, or null before its package was analysed. */
  compiledTexts(doc: OpenDocument): CompiledTexts | null;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  log(level: 'info', message: string): void;
}

const ZERO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Builds, caches and publishes the diagnostics of open documents. */
export class DiagnosticPublisher {
  /**
   * Set when the connection writes with wire.ts's fastJsonEncoder: published diagnostics then
   * carry only their range and cached JSON tail (the encoder reads nothing else).
   */
  compact = false;
  private readonly shortKeys = new WeakMap<Finding, string>();
  private nextKey = 1;
  /** Documents whose diagnostics were capped (logged once). */
  private readonly cappedDocs = new Set<string>();
  /** Line indexes of the compiled texts, per analysis result, for explanation-step positions. */
  private readonly lineIndexes = new WeakMap<CompiledTexts, Map<string, LineIndex>>();
  private readonly diagnosticCache = new WeakMap<Finding, { settings: HeapscopeSettings; stale: boolean; fixes: readonly FindingFix[] | null; diagnostic: CachedDiagnostic | null }>();

  constructor(private readonly ctx: PublisherContext) {}

  /** Returns the tracked findings of a document that its settings show, as they show them. */
  shown(doc: OpenDocument): ShownFinding[] {
    const out: ShownFinding[] = [];
    const options = { kinds: this.ctx.settingsFor(doc.path).kinds };
    for (const t of doc.tracked) {
      const f = presentFinding(t.finding, options);
      if (f) out.push({ t, f });
    }
    return out;
  }

  /** Returns a short key naming a finding in diagnostics' data and code actions: its kind and a number. */
  keyOf(f: Finding): string {
    let k = this.shortKeys.get(f);
    if (k === undefined) {
      k = `${f.kind}#${(this.nextKey++).toString(36)}`;
      this.shortKeys.set(f, k);
    }
    return k;
  }

  /**
   * Converts the compiler positions of explanation steps to LSP positions on the text the compiler
   * saw (byte columns → UTF-16), so a step on a line with `größe` or an emoji lands on its token.
   */
  relatedPosition(doc: OpenDocument): RelatedPosition {
    const results = this.ctx.compiledTexts(doc);
    if (!results) return bytePosition;
    let indexes = this.lineIndexes.get(results);
    if (!indexes) {
      indexes = new Map();
      this.lineIndexes.set(results, indexes);
    }
    const perFile = indexes;
    return (file, line, column) => {
      let lines = perFile.get(file);
      if (!lines) {
        const text = results.texts.get(file);
        if (text === undefined) return bytePosition(file, line, column);
        lines = new LineIndex(text);
        perFile.set(file, lines);
      }
      return lines.byteColumnToUtf16(line, Math.max(1, column));
    };
  }

  /**
   * The tracked findings a document publishes: all of them, unless a huge file (generated code)
   * has more than MAX_DIAGNOSTICS_PER_FILE shown — then the most severe and costly ones, so one
   * publish cannot stall the server for hundreds of milliseconds. Logged once per document.
   */
  private publishable(doc: OpenDocument, settings: HeapscopeSettings): readonly TrackedFinding[] {
    if (doc.tracked.length <= MAX_DIAGNOSTICS_PER_FILE) return doc.tracked;
    const shown = doc.tracked.filter((t) => isKindShown(t.finding.kind, { kinds: settings.kinds }));
    if (shown.length <= MAX_DIAGNOSTICS_PER_FILE) return shown;
    if (!this.cappedDocs.has(doc.path)) {
      this.cappedDocs.add(doc.path);
      this.ctx.log('info', `${doc.path}: ${shown.length} findings; showing the ${MAX_DIAGNOSTICS_PER_FILE} most severe and costly`);
    }
    const rank = (t: TrackedFinding): number => severityRank(t.finding.severity) * 2 - (t.finding.alloc?.share ?? 0);
    return [...shown].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_DIAGNOSTICS_PER_FILE);
  }

  /** Returns the diagnostics of a document as they should be shown now. */
  diagnostics(doc: OpenDocument): Diagnostic[] {
    // Everything but the range depends only on the finding and the settings: built once, then
    // each re-publish after an edit only places ranges (the 50 ms budget on big files).
    const out: Diagnostic[] = [];
    const settings = this.ctx.settingsFor(doc.path);
    let related: RelatedPosition | null = null;
    for (const t of this.publishable(doc, settings)) {
      let c = this.diagnosticCache.get(t.finding);
      if (!c || c.settings !== settings || c.stale !== t.stale || c.fixes !== t.fixes) {
        const f = presentFinding(t.finding, { kinds: settings.kinds });
        const diagnostic: CachedDiagnostic | null = f ? findingDiagnostic(f, ZERO_RANGE, t.stale, (related ??= this.relatedPosition(doc))) : null;
        if (diagnostic) {
          // A short key (the long one names file, position and text) keeps each publish small.
          const data = diagnostic.data as { key: string; fixIds?: string[] };
          data.key = this.keyOf(t.finding);
          // The fixes offered are the ones still live: none after an edit touched their code.
          if (t.fixes && t.fixes.length > 0) data.fixIds = t.fixes.map((x) => x.id);
          else delete data.fixIds;
          // Everything but the range, serialised once for the fast stdio encoder: each publish
          // after an edit only writes ranges. (Over IPC, VS Code's transport, nothing reads it.)
          if (this.compact) diagnostic[CACHED_JSON] = diagnosticTail(diagnostic);
        }
        c = { settings, stale: t.stale, fixes: t.fixes, diagnostic };
        this.diagnosticCache.set(t.finding, c);
      }
      if (!c.diagnostic) continue;
      const range = doc.lines.lspRange(t.range);
      // With the fast encoder only the range and the cached tail are read: skip copying the rest.
      const tail = this.compact ? c.diagnostic[CACHED_JSON] : undefined;
      out.push(tail ? ({ range, [CACHED_JSON]: tail } as CachedDiagnostic) : { ...c.diagnostic, range });
    }
    return out;
  }

  /** Publishes a document's diagnostics. */
  publish(doc: OpenDocument): void {
    this.ctx.publish(doc.uri, this.diagnostics(doc));
  }
}
