// resolveCompilerPath: printed paths as the go command prints them, including output the build
// cache replays with the paths of a first run made in another directory.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveCompilerPath } from '../../server/src/engine/compilerPositions';

const goroot = '/go/src';
const pkgFiles = ['/go/src/net/http/server.go', '/go/src/net/http/client.go'];
const onDisk = new Set([...pkgFiles, '/go/src/strings/builder.go', '/tmp/run/strings/builder.go']);
const exists = (f: string): boolean => onDisk.has(f);

test('a path relative to the directory go ran in is taken as it is', () => {
  assert.equal(resolveCompilerPath('../go/src/net/http/server.go', '/tmp', pkgFiles, path, exists), path.resolve('/tmp', '../go/src/net/http/server.go'));
});

test('a replayed path of one of the package files falls back to that file', () => {
  assert.equal(resolveCompilerPath('./server.go', '/tmp/run', pkgFiles, path, exists), '/go/src/net/http/server.go');
});

test('a replayed path of code inlined from elsewhere is resolved from the package directory, then its parents', () => {
  // The first run was in the package directory: `../../strings/builder.go` from net/http.
  assert.equal(resolveCompilerPath('../../strings/builder.go', '/tmp/elsewhere', pkgFiles, path, exists), `${goroot}/strings/builder.go`);
  // The first run was in GOROOT/src's parent: found from a parent of the package directory.
  assert.equal(resolveCompilerPath('src/strings/builder.go', '/tmp/elsewhere', pkgFiles, path, exists), `${goroot}/strings/builder.go`);
});

test('an existing file from the working directory wins; without `exists` nothing else is tried', () => {
  assert.equal(resolveCompilerPath('strings/builder.go', '/tmp/run', pkgFiles, path, exists), '/tmp/run/strings/builder.go');
  assert.equal(resolveCompilerPath('../../strings/builder.go', '/tmp/elsewhere', pkgFiles, path), path.resolve('/tmp/elsewhere', '../../strings/builder.go'));
  assert.equal(resolveCompilerPath('nowhere/x.go', '/tmp/run', pkgFiles, path, exists), '/tmp/run/nowhere/x.go');
});

test("a file of the module root printed under a subpackage with a same-named file is the root's (go prints paths from where it ran)", () => {
  // Package log/ instantiates a generic function of the root's log.go: go, run in the root, prints `log.go:14:7`.
  const root = '/m';
  const files = new Set(['/m/log.go', '/m/log/log.go']);
  const has = (f: string): boolean => files.has(f);
  assert.equal(resolveCompilerPath('log.go', root, ['/m/log/log.go'], path, has), '/m/log.go');
  assert.equal(resolveCompilerPath('log/log.go', root, ['/m/log/log.go'], path, has), '/m/log/log.go');
  // Replayed from a first run in log/: `./log.go` names nothing new from the root here only when the root has no log.go.
  assert.equal(resolveCompilerPath('./log.go', '/elsewhere', ['/m/log/log.go'], path, has), '/m/log/log.go');
});
