// The reports of `heapscope check` written as a run goes: the streamed JSON and SARIF documents
// are exactly what JSON.stringify prints for the same document, with or without findings.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { reportWriter } from '../../server/src/cli/report';
import { SourceCache } from '../../server/src/engine/analyze';
import type { Finding } from '../../server/src/engine/types';
import { testFinding } from '../helpers/finding';

// SARIF names only files of the checked directory that exist.
const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-report-'));
writeFileSync(path.join(dir, 'a.go'), 'package p\n');

function finding(kind: string, line: number): Finding {
  return testFinding({ file: path.join(dir, 'a.go'), line, column: 2, endLine: line, endColumn: 4, severity: 'warning', kind: kind as Finding['kind'], message: `m${line}` });
}

for (const format of ['json', 'sarif'] as const) {
  test(`${format}: written package by package, the document JSON.stringify would print`, () => {
    for (const packages of [[], [[finding('escape.moved', 1)]], [[finding('escape.moved', 1), finding('escape.heap', 2)], [], [finding('escape.heap', 3)]]]) {
      const writes: string[] = [];
      const w = reportWriter(format, { cwd: dir, toolVersion: '1.0.0', explain: false }, (s) => writes.push(s));
      for (const p of packages) w.findings(p, new SourceCache());
      if (packages.flat().length === 0) assert.deepEqual(writes, [], 'nothing is written before there is something to write');
      w.end({ goVersion: 'go1.26.8', packages: [{ importPath: 'p', dir, forTest: null, files: [], error: null }], profile: null });
      const out = writes.join('');
      const doc = JSON.parse(out) as Record<string, unknown>;
      assert.equal(out, JSON.stringify(doc, null, 2) + '\n');
      if (format === 'json') {
        assert.deepEqual(Object.keys(doc), ['version', 'diagnostics', 'go', 'packages', 'profile']);
        assert.deepEqual(
          (doc.diagnostics as Array<{ line: number }>).map((d) => d.line),
          packages.flat().map((f) => f.line),
        );
      } else {
        const run = (doc.runs as Array<{ results: Array<{ ruleId: string; ruleIndex: number }>; tool: { driver: { rules: Array<{ id: string }> } } }>)[0]!;
        // Rules in the order their kinds first appear; every ruleIndex names its rule.
        for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
        assert.equal(run.tool.driver.rules.length, new Set(packages.flat().map((f) => f.kind)).size);
      }
    }
  });
}
