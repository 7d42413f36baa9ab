// Fix findings for a whole analysis: the one place that walks an analysis's files and asks each
// fix for its findings, used by `heapscope check`, `heapscope fix` and the language server, so the
// same ids and edits appear everywhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis, SourceCache } from '../engine/analyze';
import { findModule } from '../engine/module';
import { isInside } from '../engine/paths';
import type { GoSourceFile } from '../engine/sourceFile';
import type { CompilerDecision, Finding } from '../engine/types';
import { nonEscapingParams, type NonEscapingParams } from './callees';
import type { FixContext } from './fixTypes';
import { findFixes } from './index';
import { goexperimentHasLoopvar } from './languageVersion';
import { packageClauseName, packageLevelNames } from './names';

export interface FixSearchOptions {
  /** Only files inside these directories get fixes (the module roots): never the standard library or the module cache. */
  roots: readonly string[];
  only?: readonly string[];
  allowUpperBound?: boolean;
  /** GOEXPERIMENT as the build sees it. */
  goexperiment?: string;
  /** Files larger than this many characters are not searched (the language server skips huge generated files). */
  maxFileChars?: number;
}

/** The fix findings of one file, with the source they were computed on and what else the finders read. */
export interface FileFixes {
  file: string;
  source: GoSourceFile;
  found: Finding[];
  context: FixContext;
}

/**
 * Whether a file lies under one of the roots, as spelled or once symlinks are resolved: go may name
 * a module reached through a symlinked directory by either path.
 */
function insideAny(roots: readonly string[]): (file: string) => boolean {
  const real = roots.map(realpath);
  return (file) => {
    if (roots.some((r) => isInside(file, r))) return true;
    const resolved = realpath(file);
    return real.some((r) => isInside(resolved, r));
  };
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** A package's identity among the analysed files: its directory and package clause (`p` and `p_test` differ). */
function packageKey(file: string, source: GoSourceFile): string {
  return `${path.dirname(file)}\0${packageClauseName(source) ?? ''}`;
}

/** The names each package declares in its package block, over all its analysed files (tests included). */
function packageBlockNames(analysis: Analysis, sources: SourceCache): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of new Set(analysis.run.packages.flatMap((p) => p.files))) {
    if (!file.endsWith('.go')) continue;
    const source = sources.get(file);
    if (!source) continue;
    const key = packageKey(file, source);
    const names = out.get(key) ?? new Set<string>();
    for (const n of packageLevelNames(source)) names.add(n);
    out.set(key, names);
  }
  return out;
}

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

/** Every fix finding of the analysed packages' files, per file, in file order (generated files are skipped). */
export async function fixesForAnalysis(analysis: Analysis, sources: SourceCache, opts: FixSearchOptions): Promise<FileFixes[]> {
  const byFile = new Map<string, Finding[]>();
  for (const f of analysis.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const decisionsByFile = new Map<string, CompilerDecision[]>();
  for (const d of analysis.parsed.decisions) {
    const list = decisionsByFile.get(d.pos.file) ?? [];
    list.push(d);
    decisionsByFile.set(d.pos.file, list);
  }
  const inRoots = insideAny(opts.roots);
  const files = [...new Set(analysis.run.packages.filter((p) => p.error === null).flatMap((p) => p.files))].filter((f) => f.endsWith('.go') && inRoots(f)).sort();
  const packageNames = packageBlockNames(analysis, sources);
  const goLineByDir = new Map<string, string | null>();
  const paramsByDir = new Map<string, NonEscapingParams>();
  const filesByDir = new Map<string, string[]>();
  for (const f of files) filesByDir.set(path.dirname(f), [...(filesByDir.get(path.dirname(f)) ?? []), f]);
  const loopvar = goexperimentHasLoopvar(opts.goexperiment);
  const out: FileFixes[] = [];
  for (const file of files) {
    // One file at a time, with a turn of the event loop between files: the language server keeps
    // answering while a large package is searched.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const source = sources.get(file);
    if (!source || GENERATED.test(source.text.slice(0, 2000))) continue;
    if (opts.maxFileChars !== undefined && source.text.length > opts.maxFileChars) continue;
    const dir = path.dirname(file);
    if (!goLineByDir.has(dir)) goLineByDir.set(dir, (await findModule(dir))?.goVersion ?? null);
    let params = paramsByDir.get(dir);
    if (!params) {
      const inDir = (filesByDir.get(dir) ?? []).flatMap((f) => {
        const s = sources.get(f);
        return s ? [{ source: s, decisions: decisionsByFile.get(f) ?? [] }] : [];
      });
      paramsByDir.set(dir, (params = nonEscapingParams(inDir)));
    }
    const context: FixContext = {
      file,
      findings: byFile.get(file) ?? [],
      decisions: decisionsByFile.get(file) ?? [],
      nonEscapingParams: params,
      goVersion: { module: goLineByDir.get(dir) ?? null, goexperimentLoopvar: loopvar },
      allowUpperBound: opts.allowUpperBound,
      packageNames: packageNames.get(packageKey(file, source)),
    };
    const found = findFixes({ ...context, source }, opts.only ?? undefined);
    out.push({ file, source, found, context });
  }
  return out;
}
