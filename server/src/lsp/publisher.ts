// The diagnostics of open documents as they are published: which tracked findings are shown, one
// cached diagnostic per finding, short keys that name findings in diagnostics and code actions,
// and explanation-step positions on the text the compiler saw. Re-publishing after an edit only
// places ranges: everything else is built once per finding and settings object.
//
// Publishes are coalesced per document: at most one is being written and at most one waits, built
// from the document as it is when its turn comes, so a flood of edits costs one publish per turn
// of the event loop that is left over, not one per edit (issue 14: at 100 edits a second on a file
// with 1,400 findings the queue grew without limit, hovers took seconds and shutdown went
// unanswered). While edits keep coming faster than the client can read a publish, publishes are
// also spaced by their size. A publish that would send exactly what was sent last is skipped.
import type { Diagnostic, Range } from 'vscode-languageserver';
import { severityRank } from '../engine/kinds';
import { LineIndex } from '../engine/positions';
import { presentFinding } from '../engine/present';
import type { ByteRange, Finding } from '../engine/types';
import { bytePosition, findingDiagnostic, MAX_DIAGNOSTICS_WITH_STEPS, type RelatedPosition } from './diagnostics';
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
  /** Sends a document's diagnostics; a returned promise settles once the message is written. */
  publish(uri: string, diagnostics: Diagnostic[]): void | Promise<void>;
  log(level: 'info', message: string): void;
}

/**
 * How long edits that keep arriving may hold a document's publish back: while the document changed
 * since the last turn of the event loop its publish waits, so the edits already read are applied
 * first, but never longer than this (diagnostics follow a flood of edits at least this often).
 */
export const MAX_PUBLISH_DELAY_MS = 150;

/**
 * While edits of a document arrive faster than its publishes can be read, publishes of it are
 * spaced by their size at this rate (bytes per millisecond: 0.9 MB every 225 ms), at most
 * MAX_PUBLISH_PACE_MS apart. A client parses every publish it is sent, in order, before the answer
 * to a hover sent after it: at 100 edits a second on a file with 1,666 findings, one publish per
 * edit is 160 MB a second of JSON, and hovers waited for seconds behind it on a 2-core machine; at
 * 8,000 bytes/ms a 12,000-line file was published 79 times in 10 s and hover p99 read 63–91 ms (and
 * once 145), at 4,000 42 times and 52–76 ms. An edit after a pause of that length is published at once, whatever
 * its size.
 */
export const PUBLISH_BYTES_PER_MS = 4_000;

/** The longest pace between publishes of one document while it is edited (the last edit's diagnostics come within this). */
export const MAX_PUBLISH_PACE_MS = 250;

/** A publish waiting for its turn: the document, how often it was asked for, and since when. */
interface WaitingPublish {
  doc: OpenDocument;
  asked: number;
  /** `asked` as the last turn saw it. */
  seen: number;
  since: number;
}

/** What was last sent for a document: each diagnostic's cached part and its range (4 numbers each), its size (estimated) and when. */
interface SentDiagnostics {
  parts: Array<CachedDiagnostic>;
  ranges: Int32Array;
  bytes: number;
  at: number;
}

const ZERO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Builds, caches and publishes the diagnostics of open documents. */
export class DiagnosticPublisher {
  /**
   * Set when the connection writes with wire.ts's fastJsonEncoder: published diagnostics then
   * carry only their range and cached JSON tail (the encoder reads nothing else).
   */
  compact = false;
  /**
   * Whether the client takes related information in diagnostics (its
   * `textDocument.publishDiagnostics.relatedInformation` capability): explanation steps are sent
   * only then, and only for documents with at most MAX_DIAGNOSTICS_WITH_STEPS diagnostics.
   */
  relatedInformation = true;
  /** Documents whose diagnostics went without steps (logged once). */
  private readonly steplessDocs = new Set<string>();
  private readonly shortKeys = new WeakMap<Finding, string>();
  private nextKey = 1;
  /** Documents whose diagnostics were capped (logged once). */
  private readonly cappedDocs = new Set<string>();
  /** Line indexes of the compiled texts, per analysis result, for explanation-step positions. */
  private readonly lineIndexes = new WeakMap<CompiledTexts, Map<string, LineIndex>>();
  private readonly presentedCache = new WeakMap<Finding, { kinds: HeapscopeSettings['kinds']; f: Finding | null }>();
  private readonly diagnosticCache = new WeakMap<Finding, { settings: HeapscopeSettings; stale: boolean; fixIds: string; steps: boolean; diagnostic: CachedDiagnostic | null }>();
  /**
   * The diagnostic last placed at a tracked range, by the range object: tracking keeps the object
   * of a finding the edit did not move (documents.ts), whose range then reads the same, so an edit
   * costs a new diagnostic only for the findings it moved.
   */
  private readonly placed = new WeakMap<ByteRange, { part: CachedDiagnostic; diagnostic: Diagnostic }>();

  /** Publishes waiting for their turn, per URI. */
  private readonly waiting = new Map<string, WaitingPublish>();
  /** URIs whose last publish is still being written. */
  private readonly writing = new Set<string>();
  /** The scheduled turn per URI. */
  private readonly turns = new Map<string, { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout }>();
  /** When each document was last asked to publish, and whether the request came within its pace of the one before. */
  private readonly asked = new Map<string, { at: number; flooding: boolean }>();
  /** The findings chosen to publish per capped document, out of `from` shown ones (publishable). */
  private readonly chosen = new Map<string, { findingsSet: number; settings: HeapscopeSettings; from: number; findings: Set<Finding> }>();
  /** What was last sent per URI, to skip a publish that changes nothing. */
  private readonly sent = new Map<string, SentDiagnostics>();
  constructor(private readonly ctx: PublisherContext) {}

  /**
   * Returns the tracked findings of a document that its settings show, as they show them; with
   * `line0`, only those on that line (0-based), tracked alone (OpenDocument.trackedOnLines).
   */
  shown(doc: OpenDocument, line0?: number): ShownFinding[] {
    const out: ShownFinding[] = [];
    const kinds = this.ctx.settingsFor(doc.path).kinds;
    for (const t of line0 === undefined ? doc.tracked : doc.trackedOnLines(line0)) {
      const f = this.presented(t.finding, kinds);
      if (f) out.push({ t, f });
    }
    return out;
  }

  /**
   * A finding as these kind settings show it, or null when hidden: kept per finding, since every
   * hover and code action reads all of a document's findings (thousands while edits stream in).
   */
  private presented(finding: Finding, kinds: HeapscopeSettings['kinds']): Finding | null {
    const c = this.presentedCache.get(finding);
    if (c && c.kinds === kinds) return c.f;
    const f = presentFinding(finding, { kinds });
    this.presentedCache.set(finding, { kinds, f });
    return f;
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
   * has more than MAX_DIAGNOSTICS_PER_FILE shown — then the most severe and costly ones (in the
   * document's order), so one publish cannot stall the server for hundreds of milliseconds. Logged
   * once per document.
   */
  private publishable(doc: OpenDocument, settings: HeapscopeSettings): readonly TrackedFinding[] {
    if (doc.tracked.length <= MAX_DIAGNOSTICS_PER_FILE) return doc.tracked;
    const shown = doc.tracked.filter((t) => this.presented(t.finding, settings.kinds) !== null);
    if (shown.length <= MAX_DIAGNOSTICS_PER_FILE) return shown;
    if (!this.cappedDocs.has(doc.path)) {
      this.cappedDocs.add(doc.path);
      this.ctx.log('info', `${doc.path}: ${shown.length} findings; showing the ${MAX_DIAGNOSTICS_PER_FILE} most severe and costly`);
    }
    // The choice holds until findings are set again or an edit drops one: each publish of a flood
    // then filters instead of sorting thousands of findings.
    const c = this.chosen.get(doc.uri);
    if (c && c.findingsSet === doc.findingsSet && c.settings === settings && c.from === shown.length) return shown.filter((t) => c.findings.has(t.finding));
    const rank = (t: TrackedFinding): number => severityRank(t.finding.severity) * 2 - (t.finding.alloc?.share ?? 0);
    const top = new Set(
      [...shown]
        .sort((a, b) => rank(a) - rank(b))
        .slice(0, MAX_DIAGNOSTICS_PER_FILE)
        .map((t) => t.finding),
    );
    this.chosen.set(doc.uri, { findingsSet: doc.findingsSet, settings, from: shown.length, findings: top });
    return shown.filter((t) => top.has(t.finding));
  }

  /** How many of these tracked findings the settings show, counted until MAX_DIAGNOSTICS_WITH_STEPS is passed. */
  private countShown(list: readonly TrackedFinding[], settings: HeapscopeSettings): number {
    let n = 0;
    for (const t of list) if (this.presented(t.finding, settings.kinds) !== null && ++n > MAX_DIAGNOSTICS_WITH_STEPS) break;
    return n;
  }

  /** Returns the diagnostics of a document as they should be shown now. */
  diagnostics(doc: OpenDocument): Diagnostic[] {
    return this.build(doc).diagnostics;
  }

  /** The diagnostics of a document now, with the cached part each was built from. */
  private build(doc: OpenDocument): { diagnostics: Diagnostic[]; parts: CachedDiagnostic[] } {
    // Everything but the range depends only on the finding and the settings: built once, then
    // each re-publish after an edit only places ranges (the 50 ms budget on big files).
    const out: Diagnostic[] = [];
    const parts: CachedDiagnostic[] = [];
    const settings = this.ctx.settingsFor(doc.path);
    let related: RelatedPosition | null = null;
    const publishable = this.publishable(doc, settings);
    // Explanation steps only where the client takes them and the document is not huge (the hover has them all).
    const steps = this.relatedInformation && this.countShown(publishable, settings) <= MAX_DIAGNOSTICS_WITH_STEPS;
    if (!steps && this.relatedInformation && !this.steplessDocs.has(doc.path)) {
      this.steplessDocs.add(doc.path);
      this.ctx.log('info', `${doc.path}: more than ${MAX_DIAGNOSTICS_WITH_STEPS} diagnostics; their explanation steps are in the hover only`);
    }
    for (const t of publishable) {
      let c = this.diagnosticCache.get(t.finding);
      // Fixes moved through an edit are new objects with the same ids: only the ids are shown.
      const fixIds = t.fixes && t.fixes.length > 0 ? t.fixes.map((x) => x.id).join(',') : '';
      if (!c || c.settings !== settings || c.stale !== t.stale || c.fixIds !== fixIds || c.steps !== steps) {
        const f = this.presented(t.finding, settings.kinds);
        const diagnostic: CachedDiagnostic | null = f ? findingDiagnostic(f, ZERO_RANGE, t.stale, steps ? (related ??= this.relatedPosition(doc)) : null) : null;
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
        c = { settings, stale: t.stale, fixIds, steps, diagnostic };
        this.diagnosticCache.set(t.finding, c);
      }
      if (!c.diagnostic) continue;
      const last = this.placed.get(t.range);
      if (last && last.part === c.diagnostic) {
        out.push(last.diagnostic);
        parts.push(c.diagnostic);
        continue;
      }
      const range = doc.lines.lspRange(t.range);
      // With the fast encoder only the range and the cached tail are read: skip copying the rest.
      const tail = this.compact ? c.diagnostic[CACHED_JSON] : undefined;
      const diagnostic = tail ? ({ range, [CACHED_JSON]: tail } as CachedDiagnostic) : { ...c.diagnostic, range };
      this.placed.set(t.range, { part: c.diagnostic, diagnostic });
      out.push(diagnostic);
      parts.push(c.diagnostic);
    }
    return { diagnostics: out, parts };
  }

  /**
   * Publishes a document's diagnostics soon: on a later turn of the event loop, once no edit of it
   * arrived during the last turn (or MAX_PUBLISH_DELAY_MS after the first request), and after the
   * document's previous publish was written. Requests meanwhile are folded into that one publish,
   * which shows the document as it is then.
   */
  publish(doc: OpenDocument): void {
    const now = performance.now();
    const before = this.asked.get(doc.uri);
    this.asked.set(doc.uri, { at: now, flooding: before !== undefined && now - before.at < this.pace(doc.uri) });
    const w = this.waiting.get(doc.uri);
    if (w) {
      w.doc = doc;
      w.asked++;
      return;
    }
    this.waiting.set(doc.uri, { doc, asked: 1, seen: 0, since: performance.now() });
    if (!this.writing.has(doc.uri)) this.nextTurn(doc.uri);
  }

  /**
   * Publishes a document's diagnostics now, even when they equal what was sent last: for new
   * results, an opened document and changed settings, each answered by one publish at once.
   */
  publishNow(doc: OpenDocument): void {
    this.waiting.delete(doc.uri);
    this.cancelTurn(doc.uri);
    void this.send(doc, true);
  }

  /** Forgets a closed document: its waiting publish is dropped and the next one is sent whatever it holds. */
  forget(uri: string): void {
    this.waiting.delete(uri);
    this.cancelTurn(uri);
    this.sent.delete(uri);
    this.asked.delete(uri);
    this.chosen.delete(uri);
  }

  /** Drops every waiting publish (the server is shutting down). */
  dispose(): void {
    for (const uri of [...this.turns.keys()]) this.cancelTurn(uri);
    this.waiting.clear();
  }

  /** The time a publish of this document takes to read at PUBLISH_BYTES_PER_MS, by the size of its last one. */
  private pace(uri: string): number {
    return Math.min(MAX_PUBLISH_PACE_MS, (this.sent.get(uri)?.bytes ?? 0) / PUBLISH_BYTES_PER_MS);
  }

  private nextTurn(uri: string, afterMs = 0): void {
    if (this.turns.has(uri)) return;
    const run = (): void => {
      this.turns.delete(uri);
      this.turn(uri);
    };
    this.turns.set(uri, afterMs > 0 ? { timeout: setTimeout(run, afterMs) } : { immediate: setImmediate(run) });
  }

  private cancelTurn(uri: string): void {
    const t = this.turns.get(uri);
    if (t && 'immediate' in t) clearImmediate(t.immediate);
    else if (t) clearTimeout(t.timeout);
    this.turns.delete(uri);
  }

  private turn(uri: string): void {
    const w = this.waiting.get(uri);
    if (!w || this.writing.has(uri)) return;
    // Messages read since the last turn are handled before this one (vscode-jsonrpc handles one
    // per turn): while the document keeps changing, wait a turn, so superseded states are never built.
    if (w.seen !== w.asked && performance.now() - w.since < MAX_PUBLISH_DELAY_MS) {
      w.seen = w.asked;
      this.nextTurn(uri);
      return;
    }
    // Edits arriving faster than the last publish could be read: this one waits for its pace.
    const last = this.sent.get(uri);
    const wait = last && this.asked.get(uri)?.flooding ? last.at + this.pace(uri) - performance.now() : 0;
    if (wait > 1) {
      this.nextTurn(uri, wait);
      return;
    }
    this.waiting.delete(uri);
    const written = this.send(w.doc, false);
    if (!written) return;
    this.writing.add(uri);
    const done = (): void => {
      this.writing.delete(uri);
      if (this.waiting.has(uri)) this.nextTurn(uri);
    };
    written.then(done, done);
  }

  /** Sends a document's diagnostics (unless unforced and equal to the last sent); returns when the write settles, or null when skipped. */
  private send(doc: OpenDocument, force: boolean): Promise<void> | null {
    const { diagnostics, parts } = this.build(doc);
    const ranges = new Int32Array(diagnostics.length * 4);
    diagnostics.forEach((d, i) => {
      ranges[i * 4] = d.range.start.line;
      ranges[i * 4 + 1] = d.range.start.character;
      ranges[i * 4 + 2] = d.range.end.line;
      ranges[i * 4 + 3] = d.range.end.character;
    });
    const last = this.sent.get(doc.uri);
    if (!force && last && last.parts.length === parts.length && last.parts.every((p, i) => p === parts[i]) && last.ranges.every((r, i) => r === ranges[i])) return null;
    // What the wire carries per diagnostic: its cached JSON and a range, or about 300 bytes.
    let bytes = 2;
    for (const d of diagnostics) bytes += (d as CachedDiagnostic)[CACHED_JSON]?.length ?? 300;
    this.sent.set(doc.uri, { parts, ranges, bytes: bytes + 80 * diagnostics.length, at: performance.now() });
    return Promise.resolve(this.ctx.publish(doc.uri, diagnostics));
  }
}
