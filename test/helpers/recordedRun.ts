// A compiler run made from recorded `go list -export -test -gcflags=-m=2 ./...` output
// (test-fixtures/recorded/<go>/<module>.list.txt): what the pipeline and the language server get
// from the real runner, with no `go` binary. The fixture modules have one package each, so the
// packages are read off the section headers: the test variant replaces the plain package, and the
// generated `p.test` main package is left out, as the real runner does.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sectionsOutput, splitSections } from '../../server/src/engine/compilerSections';
import type { CompilerRun, CompilerRunOptions } from '../../server/src/engine/goRunner';
import type { PipelineDeps } from '../../server/src/pipeline/index';

export const repoRoot = path.resolve(__dirname, '../..');

/** The recorded run of a fixture module (`example`, `families`) with a Go release (`go1.26.8`). */
export function recordedRun(module: string, goVersion: string): CompilerRun {
  const moduleDir = path.join(repoRoot, 'test-fixtures', module);
  const stderr = readFileSync(path.join(repoRoot, 'test-fixtures/recorded', goVersion, `${module}.list.txt`), 'utf8');
  const goFiles = readdirSync(moduleDir)
    .filter((f) => f.endsWith('.go'))
    .sort();
  const modulePath = /^module\s+(\S+)/m.exec(readFileSync(path.join(moduleDir, 'go.mod'), 'utf8'))?.[1] ?? '';
  const { sections, other } = splitSections(stderr);
  const headers = new Set(sections.map((s) => s.packagePath));
  const importPathOf = (header: string): string => header.replace(/ \[.*\]$/, '');
  const packages = sections
    .filter((s) => !s.packagePath.endsWith('.test') && !headers.has(`${s.packagePath} [${s.packagePath}.test]`))
    .map((s) => {
      const importPath = importPathOf(s.packagePath);
      const forTest = s.packagePath === importPath ? null : importPath;
      const files = goFiles.filter((f) => forTest !== null || !f.endsWith('_test.go')).map((f) => path.join(moduleDir, f));
      return { importPath: s.packagePath, dir: moduleDir, forTest, files, error: null };
    });
  return {
    goBinary: 'recorded',
    goVersion,
    workingDir: moduleDir,
    module: { root: moduleDir, modulePath, goVersion: null, toolchain: null, workFile: null },
    workModules: [],
    packages,
    output: sectionsOutput(sections, packages),
    exitCode: 0,
    durationMs: 0,
    stderrOther: other,
  };
}

/** Pipeline dependencies that answer every compile with the recorded run and note what was asked. */
export function recordedDeps(module: string, goVersion: string): PipelineDeps & { requests: CompilerRunOptions[] } {
  const requests: CompilerRunOptions[] = [];
  return {
    prefetch: false,
    requests,
    runCompiler: async (opts) => {
      requests.push(opts);
      return recordedRun(module, goVersion);
    },
  };
}
