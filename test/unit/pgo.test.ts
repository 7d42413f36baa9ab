// PGO as the user's build applies it: the -pgo setting, the main packages with a default.pgo, and
// the go list arguments that hand each package its profile. No go binary needed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { compilerArgs } from '../../server/src/engine/goList';
import { NO_PGO, pgoPlan, pgoSetting, planPgo } from '../../server/src/engine/pgo';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-pgo-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const base = { patterns: ['./...'], tests: true, gcflags: ['-m=2'], tags: [], overlayFile: null };

test('pgoSetting reads the last -pgo of GOFLAGS, auto by default', () => {
  assert.equal(pgoSetting(undefined), 'auto');
  assert.equal(pgoSetting('-mod=mod -pgo=off'), 'off');
  assert.equal(pgoSetting('--pgo=a.pgo  -pgo=b.pgo'), 'b.pgo');
});

test('compilerArgs: without PGO one -gcflags for the named packages, as before', () => {
  assert.deepEqual(compilerArgs(base), compilerArgs({ ...base, pgo: NO_PGO }));
  assert.deepEqual(
    compilerArgs(base).filter((a) => a.startsWith('-gcflags')),
    ['-gcflags=-m=2'],
  );
});

test('compilerArgs: one default.pgo goes to every package, the main package keeps -m=2 after it', () => {
  const plan = pgoPlan('auto', [{ pattern: './cmd/app', profile: '/p/app.pgo' }], '/m');
  const args = compilerArgs({ ...base, pgo: plan });
  assert.deepEqual(
    args.filter((a) => a.startsWith('-gcflags')),
    ['-gcflags=all=-pgoprofile=/p/app.pgo', '-gcflags=-m=2', '-gcflags=./cmd/app=-m=2 -pgoprofile=/p/app.pgo'],
  );
  assert.deepEqual(args.slice(-2), ['--', './...']);
});

test('compilerArgs: -pgo=FILE applies to every package; -pgo=off and different profiles as go build', () => {
  const file = compilerArgs({ ...base, gcflags: ['-m', '-l'], pgo: pgoPlan('prof/x.pgo', [], '/m') });
  assert.deepEqual(
    file.filter((a) => a.startsWith('-gcflags')),
    ['-gcflags=all=-pgoprofile=/m/prof/x.pgo', '-gcflags=-m -l -pgoprofile=/m/prof/x.pgo'],
  );
  assert.deepEqual(pgoPlan('off', [{ pattern: '.', profile: '/m/default.pgo' }], '/m'), NO_PGO);
  const two = pgoPlan(
    'auto',
    [
      { pattern: './a', profile: '/m/a/default.pgo' },
      { pattern: './b', profile: '/m/b/default.pgo' },
    ],
    '/m',
  );
  assert.equal(two.all, null, 'shared dependencies cannot have two profiles in one run');
  assert.equal(two.packages.length, 2);
});

test('planPgo finds main packages with a default.pgo under the patterns and copies the profile by content', async () => {
  const mod = path.join(tmp, 'mod');
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(mod, rel)), { recursive: true });
    writeFileSync(path.join(mod, rel), text);
  };
  write('go.mod', 'module example.com/m\n');
  write('cmd/app/main.go', '// Command app.\npackage main\n');
  write('cmd/app/default.pgo', 'profile one');
  write('lib/lib.go', '/* not main */ package lib\n');
  write('lib/default.pgo', 'ignored: not a main package');
  write('testdata/t/main.go', 'package main\n');
  write('testdata/t/default.pgo', 'ignored: testdata');
  const opts = { workingDir: mod, modulePath: 'example.com/m', goflags: '', gcflags: ['-m=2'] };
  const plan = await planPgo({ ...opts, patterns: ['./...'] });
  const [app] = plan.packages;
  assert.ok(app && plan.packages.length === 1);
  assert.equal(app.pattern, './cmd/app');
  assert.equal(plan.all, app.profile);
  assert.equal(readFileSync(app.profile, 'utf8'), 'profile one');
  assert.deepEqual(await planPgo({ ...opts, patterns: ['example.com/m/cmd/...'] }), plan);
  assert.deepEqual(await planPgo({ ...opts, patterns: ['./lib'] }), NO_PGO);
  assert.deepEqual(await planPgo({ ...opts, patterns: ['./...'], goflags: '-pgo=off' }), NO_PGO);
  assert.deepEqual(await planPgo({ ...opts, patterns: ['./...'], gcflags: ['-m=2', '-pgoprofile=/mine.pgo'] }), NO_PGO, 'the user chose a profile');
  write('cmd/app/default.pgo', 'profile two');
  const edited = await planPgo({ ...opts, patterns: ['./cmd/app'] });
  assert.notEqual(edited.all, plan.all, 'an edited profile gets a new path, so the build cache cannot replay stale output');
});
