// `npm run demo`: Heapscope on the bundled example module, the way an editor would show it —
// first from the compiler alone, then weighed by a real allocation profile of the module's
// benchmarks (taken now, into a temporary directory, with every allocation recorded).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const example = path.join(root, 'test-fixtures', 'example');
const cli = path.join(root, 'dist', 'cli.js');

function heapscope(args) {
  const res = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

console.log("== heapscope check --explain (the compiler's decisions, explained) ==\n");
heapscope(['check', '--explain', '--cwd', example, './...']);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-demo-'));
try {
  const prof = path.join(tmp, 'mem.pprof');
  console.log('\n== go test -bench . -memprofile mem.pprof -memprofilerate=1 (a real allocation profile) ==\n');
  execFileSync('go', ['test', '-run', '^$', '-bench', '.', '-benchtime', '2000x', '-memprofile', prof, '-memprofilerate', '1', '-o', path.join(tmp, 'example.test'), '.'], {
    cwd: example,
    stdio: 'inherit',
  });
  console.log('\n== heapscope check --profile mem.pprof (ranked by what really allocates) ==\n');
  heapscope(['check', '--profile', prof, '--cwd', example, './...']);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
