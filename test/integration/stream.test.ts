// The streaming pipeline on real go output replayed in the orders go may print it: go prints a
// package's section when its compile finishes, so an external test package that does not import
// its package can come before the package's test variant.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { CompilerSection } from '../../server/src/engine/compilerSections';
import type { CompilerRunOptions, RunPlace } from '../../server/src/engine/goRunner';
import { findingKey } from '../../server/src/engine/analyze';
import { GO } from '../../server/src/pipeline/index';
import { streamPipeline } from '../../server/src/pipeline/stream';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-stream-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Writes a module, compiles it for real, checks go printed exactly `order`'s sections, replays them
 * to streamPipeline in that order, and returns what it reported: `importPath findingKey` lines.
 */
async function reportedInOrder(dir: string, files: Record<string, string>, order: readonly string[]): Promise<string[]> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const sections: Array<[CompilerSection, RunPlace]> = [];
  const real = await GO.runCompiler({ cwd: dir, patterns: ['./...'], onSection: (s, where) => void sections.push([s, where]) });
  assert.deepEqual(sections.map(([s]) => s.packagePath).sort(), [...order].sort(), 'the sections go printed');
  const replay = {
    prefetch: true,
    runCompiler: async (opts: CompilerRunOptions) => {
      opts.onStart?.(process.pid);
      for (const name of order) {
        const [s, where] = sections.find(([x]) => x.packagePath === name)!;
        await opts.onSection?.(s, where);
      }
      return real;
    },
  };
  const reported: string[] = [];
  await streamPipeline({ compile: { cwd: dir, patterns: ['./...'] }, fixes: {} }, (p) => void reported.push(...p.raw.map((f) => `${p.run.packages[0]?.importPath} ${findingKey(f)}`)), replay);
  return reported;
}

test('a plain package is reported once, by its test variant, whichever order the sections come in', async () => {
  const reported = await reportedInOrder(
    path.join(tmp, 'mod'),
    {
      'go.mod': 'module example.com/mod\n\ngo 1.21\n',
      'p/p.go': 'package p\n\nfunc Make(n int) []byte { return make([]byte, n) }\n',
      'p/p_test.go': 'package p\n\nimport "testing"\n\nvar sink *int\n\nfunc TestMake(t *testing.T) { sink = new(int) }\n',
      // The external test does not import p: go may finish it before p's test variant.
      'p/x_test.go': 'package p_test\n\nimport "testing"\n\nvar sink *[]int\n\nfunc TestX(t *testing.T) { s := make([]int, 3); sink = &s }\n',
    },
    ['example.com/mod/p', 'example.com/mod/p_test [example.com/mod/p.test]', 'example.com/mod/p [example.com/mod/p.test]', 'example.com/mod/p.test'],
  );
  const make = reported.filter((r) => r.includes('make([]byte, n) escapes to heap'));
  assert.equal(make.length, 1, `make([]byte, n) once: ${JSON.stringify(make)}`);
  assert.match(make[0]!, /^example\.com\/mod\/p \[example\.com\/mod\/p\.test\] /);
});

test('a command with only an external test is reported once, by the test variant go compiles for it, even when the external test comes first', async () => {
  // x/tools cmd/deadcode: `package main` with `package main_test` tests. go test compiles the
  // command as `cmd [cmd.test]` although it has no internal test files, and the external test
  // (which cannot import a main package) may be compiled before it.
  const reported = await reportedInOrder(
    path.join(tmp, 'cmdmod'),
    {
      'go.mod': 'module example.com/cmdmod\n\ngo 1.21\n',
      'cmd/main.go': 'package main\n\nvar sink *int\n\nfunc main() { x := 1; sink = &x }\n',
      'cmd/x_test.go': 'package main_test\n\nimport "testing"\n\nvar sink *[]int\n\nfunc TestX(t *testing.T) { s := make([]int, 3); sink = &s }\n',
    },
    ['example.com/cmdmod/cmd', 'example.com/cmdmod/cmd_test [example.com/cmdmod/cmd.test]', 'example.com/cmdmod/cmd [example.com/cmdmod/cmd.test]', 'example.com/cmdmod/cmd.test'],
  );
  const moved = reported.filter((r) => r.includes('moved to heap: x'));
  assert.equal(moved.length, 1, `moved to heap: x once: ${JSON.stringify(moved)}`);
  assert.match(moved[0]!, /^example\.com\/cmdmod\/cmd \[example\.com\/cmdmod\/cmd\.test\] /);
});
