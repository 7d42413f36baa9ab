// `heapscope fix [--apply] [--only id,…] [--json] [patterns…]`: finds Heapscope's fixes, prints
// them as a unified diff (default), applies them (--apply), or lists them (--json).
//
// Fixes are applied in rounds on an in-memory overlay: each round compiles the packages with
// the current texts (so compiler evidence and positions are fresh), takes the fixes whose edits
// do not overlap, and keeps each only if the file stays gofmt-clean. Fixes that touch imports
// (sprintf-itoa) go one per file per round, because whether fmt is still used depends on the
// others. The last round finds nothing more to do — which is what a second run sees — and must
// compile without new errors, else nothing is written.
import { chmod, mkdtemp, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SourceCache } from '../engine/analyze';
import { allFixes, fixInfo } from '../engine/kinds';
import type { Finding, FindingEdit, FindingFix } from '../engine/types';
import { joinOptionValues, splitTags } from './flags';
import { applyEdits } from '../fixes/index';
import { gofmtBeside, isGofmtClean, runWithInput } from '../fixes/gofmt';
import { selectFixes } from '../fixes/select';
import { runPipeline } from '../pipeline/index';

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** One fix as `--json` reports it. */
export interface AppliedFix {
  file: string;
  line: number;
  id: string;
  title: string;
}

/** A fix that `check` shows and `fix` leaves, as `--json` reports it under `refused` (line of the original file). */
export interface RefusedFix {
  file: string;
  line: number;
  id: string;
  reason: string;
}

/** Options of `heapscope fix`. */
export interface FixOptions {
  patterns: string[];
  apply: boolean;
  json: boolean;
  only: string[] | null;
  allowUpperBound: boolean;
  /** Apply fixes whose finding says "may … if …" too (FindingFix.uncertain). */
  includeUncertain: boolean;
  goBinary: string | undefined;
  tags: string[] | undefined;
  cwd: string;
}

const MAX_ROUNDS = 25;

const KNOWN_FIX_IDS = allFixes()
  .map((f) => f.id)
  .join(', ');

const USAGE = `Usage: heapscope fix [--apply] [--only id,…] [--json] [--include-uncertain] [patterns…]

Prints Heapscope's fixes as a unified diff, or applies them with --apply.
  --apply               write the fixed files
  --only ids            only these fixes (${KNOWN_FIX_IDS})
  --json                print {"applied": [{file, line, id, title}], "refused": [{file, line, id, reason}]}
                        (the fixes it would apply without --apply, and those it leaves)
  --allow-upper-bound   let prealloc fixes use an upper bound of the count (conditional appends)
  --include-uncertain   also apply fixes whose finding only "may" be a problem (a loop variable
                        captured by a closure that may or may not outlive its iteration)
  --tags a,b            build tags
  --go PATH             the go command to run
  --cwd DIR             run as if started in DIR
`;

/** Parses the arguments of `heapscope fix`; throws an Error with a usage message on bad ones. */
export function parseFixArgs(args: string[], cwd: string): FixOptions {
  const { values, positionals } = parseArgs({
    args: joinOptionValues(args, ['only', 'tags', 'go', 'cwd']),
    allowPositionals: true,
    strict: true,
    options: {
      apply: { type: 'boolean' },
      json: { type: 'boolean' },
      only: { type: 'string' },
      'allow-upper-bound': { type: 'boolean' },
      'include-uncertain': { type: 'boolean' },
      tags: { type: 'string' },
      go: { type: 'string' },
      cwd: { type: 'string' },
    },
  });
  let only: string[] | null = null;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = only.filter((id) => fixInfo(id) === undefined);
    if (unknown.length) throw new Error(`unknown fix id ${unknown.join(', ')}; known: ${KNOWN_FIX_IDS}`);
  }
  return {
    patterns: positionals.length ? positionals : ['./...'],
    apply: values.apply ?? false,
    json: values.json ?? false,
    only,
    allowUpperBound: values['allow-upper-bound'] ?? false,
    includeUncertain: values['include-uncertain'] ?? false,
    goBinary: values.go,
    tags: splitTags(values.tags),
    cwd: path.resolve(cwd, values.cwd ?? '.'),
  };
}

/** Runs `heapscope fix`; returns the exit status (0 ok, 2 usage, 3 nothing analysed, 1 fixes refused as a whole or a file changed on disk meanwhile). */
export async function runFix(args: string[], io: Io, cwd: string): Promise<number> {
  let opts: FixOptions;
  try {
    opts = parseFixArgs(args, cwd);
  } catch (err) {
    io.stderr(`heapscope fix: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await report(opts, await planFixes(opts, io), io);
  } catch (err) {
    io.stderr(`heapscope fix: ${(err as Error).message}\n`);
    return 3;
  }
}

/** The outcome of planning: new texts by file, what was applied and what was refused. */
export interface FixPlan {
  originals: Map<string, string>;
  texts: Map<string, string>;
  applied: AppliedFix[];
  /** Every fix the first round offered (what `check` shows) that was not applied, with why. */
  refused: RefusedFix[];
}

/** Runs the rounds on an overlay and returns the new texts; throws when nothing could be analysed. */
export async function planFixes(opts: FixOptions, io: Io): Promise<FixPlan> {
  const overlay = new Map<string, string>();
  const originals = new Map<string, string>();
  const applied: AppliedFix[] = [];
  const refused: FixPlan['refused'] = [];
  const refusedKeys = new Set<string>();
  // Per file, the edits of each earlier round, to report lines in the original text.
  const history = new Map<string, FindingEdit[][]>();
  let firstErrors: Set<string> | null = null;

  const gofmt = gofmtBeside(opts.goBinary);
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    // One snapshot of this round's texts for the compiler and the parsed files alike: each file is parsed once per round.
    const snapshot = new Map(overlay);
    const sources = new SourceCache(snapshot);
    const { analysis, fixes: perFile } = await runPipeline({
      compile: { cwd: opts.cwd, patterns: opts.patterns, tests: true, tags: opts.tags, goBinary: opts.goBinary, overlay: snapshot },
      sources,
      fixes: { only: opts.only ?? undefined, allowUpperBound: opts.allowUpperBound },
    });
    const errors = new Set(analysis.findings.filter((f) => f.kind === 'build').map((f) => `${f.file}: ${f.message}`));
    if (firstErrors === null) firstErrors = errors;
    const introduced = [...errors].filter((e) => !firstErrors?.has(e));
    if (introduced.length) {
      // The fixes so far broke the build: write nothing.
      throw new Error(`fixes would break the build, nothing written:\n  ${introduced.join('\n  ')}`);
    }
    let changed = 0;
    for (const { file, source, found } of perFile) {
      const rounds = history.get(file) ?? [];
      // A refusal is named by the line in the original text, which later rounds' edits do not move.
      const refuse = (finding: Finding, fix: FindingFix, reason: string): void => {
        const line = originalLine(finding.line, rounds);
        const key = `${file}:${line}:${fix.id}`;
        if (refusedKeys.has(key)) return;
        refusedKeys.add(key);
        refused.push({ file, line, id: fix.id, reason });
      };
      const isRefused = (finding: Finding, fix: FindingFix): boolean => refusedKeys.has(`${file}:${originalLine(finding.line, rounds)}:${fix.id}`);
      const candidates = found
        .flatMap((f) => f.fixes.map((fix) => ({ finding: f, fix })))
        .filter((c) => {
          if (isRefused(c.finding, c.fix)) return false;
          if (!c.fix.uncertain || opts.includeUncertain) return true;
          refuse(c.finding, c.fix, 'it may not be needed (the finding says "may"); --include-uncertain applies it');
          return false;
        });
      if (candidates.length === 0) continue;
      const text = source.text;
      // The same checks the language server makes before its quick fix and fix-all (fixes/select.ts).
      const selection = await selectFixes(text, candidates, (c) => c.fix, { oneImportFix: true, isClean: (t) => isGofmtClean(t, gofmt) });
      if (selection.notFormatted) {
        if (round === 1) io.stderr(`heapscope fix: ${path.relative(opts.cwd, file)} is not gofmt-formatted; its fixes are skipped\n`);
        for (const c of candidates) refuse(c.finding, c.fix, 'the file is not gofmt-formatted');
        continue;
      }
      for (const { item: c, reason } of selection.refused) refuse(c.finding, c.fix, reason);
      const chosen: Array<{ finding: Finding; fix: FindingFix }> = selection.chosen;
      if (chosen.length === 0) continue;
      if (!originals.has(file)) originals.set(file, text);
      overlay.set(
        file,
        applyEdits(
          text,
          chosen.flatMap((c) => c.fix.edits),
        ),
      );
      for (const c of chosen) applied.push({ file, line: originalLine(c.finding.line, rounds), id: c.fix.id, title: c.fix.title });
      rounds.push(chosen.flatMap((c) => c.fix.edits));
      history.set(file, rounds);
      changed++;
    }
    if (changed === 0) return { originals, texts: overlay, applied, refused };
  }
  throw new Error(`fixes did not settle after ${MAX_ROUNDS} rounds`);
}

/** Maps a line of the text after `rounds` of edits back to the original text's line. */
export function originalLine(line: number, rounds: readonly FindingEdit[][]): number {
  let l = line;
  for (let r = rounds.length - 1; r >= 0; r--) {
    let shift = 0;
    let back = 0;
    for (const e of [...(rounds[r] as FindingEdit[])].sort((a, b) => a.line - b.line || a.column - b.column)) {
      const added = (e.newText.match(/\n/g) ?? []).length - (e.endLine - e.line);
      const newEnd = e.endLine + shift + added;
      // The edit lies wholly before line l (ending at the start of l counts as before).
      if (newEnd < l || (newEnd === l && e.endColumn === 1)) back += added;
      shift += added;
    }
    l -= back;
  }
  return l;
}

/**
 * Writes the fixed texts: each file only if it still holds the text the fixes were computed on
 * (an editor or another tool may have saved it meanwhile), through a temporary file renamed over
 * it, so a reader never sees half a file and a crash never leaves one. The file keeps its mode;
 * a symlink is followed and its target replaced. Returns the files left unwritten with why.
 */
export async function writeFixedFiles(plan: Pick<FixPlan, 'originals' | 'texts'>): Promise<Array<{ file: string; reason: string }>> {
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const [file, text] of plan.texts) {
    const original = plan.originals.get(file);
    try {
      const target = await realpath(file);
      const onDisk = await readFile(target, 'utf8');
      if (original === undefined || onDisk !== original) {
        skipped.push({ file, reason: 'it changed on disk since heapscope read it; not written (run heapscope fix again)' });
        continue;
      }
      const { mode } = await stat(target);
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.heapscope-${process.pid}-${Date.now()}.tmp`);
      try {
        await writeFile(temp, text, { mode: mode & 0o7777, flag: 'wx' });
        await chmod(temp, mode & 0o7777);
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    } catch (err) {
      skipped.push({ file, reason: `cannot write it: ${(err as Error).message}` });
    }
  }
  return skipped;
}

/** Prints the plan (diff, JSON) and writes the files with --apply. */
async function report(opts: FixOptions, plan: FixPlan, io: Io): Promise<number> {
  for (const r of plan.refused) io.stderr(`heapscope fix: ${path.relative(opts.cwd, r.file)}:${r.line}: ${r.id} refused: ${r.reason}\n`);
  let status = 0;
  if (opts.apply) {
    const skipped = await writeFixedFiles(plan);
    for (const s of skipped) {
      io.stderr(`heapscope fix: ${path.relative(opts.cwd, s.file)}: ${s.reason}\n`);
      // Its fixes were not applied after all: they are refused, with the reason.
      plan.texts.delete(s.file);
      for (const a of plan.applied) if (a.file === s.file) plan.refused.push({ file: a.file, line: a.line, id: a.id, reason: s.reason });
      plan.applied = plan.applied.filter((a) => a.file !== s.file);
      status = 1;
    }
  }
  if (opts.json) {
    io.stdout(`${JSON.stringify({ applied: plan.applied, refused: plan.refused }, null, 2)}\n`);
  } else if (!opts.apply) {
    for (const [file, text] of plan.texts) io.stdout(await unifiedDiff(path.relative(opts.cwd, file), plan.originals.get(file) ?? '', text));
  }
  const files = plan.texts.size;
  const left = plan.refused.length > 0 ? `; ${plan.refused.length} refused` : '';
  io.stderr(`heapscope fix: ${opts.apply ? 'applied' : 'would apply'} ${plan.applied.length} fix${plan.applied.length === 1 ? '' : 'es'} in ${files} file${files === 1 ? '' : 's'}${left}\n`);
  return status;
}

/** A unified diff of two texts by the system's `diff -u`, labelled with the file's name. */
export async function unifiedDiff(name: string, before: string, after: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'heapscope-diff-'));
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    await writeFile(a, before);
    await writeFile(b, after);
    const r = await runWithInput('diff', ['-u', '--label', `a/${name}`, '--label', `b/${name}`, a, b]);
    if (r.code > 1) throw new Error(`diff failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
