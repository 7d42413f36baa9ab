// Findings → LSP diagnostics (lsp/diagnostics.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/engine/types';
import { findingDiagnostic, MAX_RELATED_STEPS } from '../../server/src/lsp/diagnostics';
import { testFinding } from '../helpers/finding';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

function finding(steps: number): Finding {
  const related = Array.from({ length: steps }, (_, i) => ({ file: '/w/a.go', line: i + 2, column: 3, message: `${i + 1}. step` }));
  return testFinding({ kind: 'leak.param', severity: 'hint', message: 'parameter `fn` leaks to the heap', file: '/w/a.go', related, packagePath: 'w' });
}

test('a long explanation is cut to MAX_RELATED_STEPS steps and one entry that says how many more the hover lists', () => {
  const d = findingDiagnostic(finding(409), range, false);
  const related = d.relatedInformation ?? [];
  assert.equal(related.length, MAX_RELATED_STEPS + 1);
  assert.equal(related[MAX_RELATED_STEPS - 1]!.message, `${MAX_RELATED_STEPS}. step`);
  assert.equal(related[MAX_RELATED_STEPS]!.message, `… ${409 - MAX_RELATED_STEPS} more steps: the hover lists all 409`);
  assert.deepEqual(related[MAX_RELATED_STEPS]!.location, related[MAX_RELATED_STEPS - 1]!.location);
});

test('an explanation of at most MAX_RELATED_STEPS steps is sent whole', () => {
  const d = findingDiagnostic(finding(MAX_RELATED_STEPS), range, false);
  assert.deepEqual(
    (d.relatedInformation ?? []).map((r) => [r.message, r.location.range.start.line]),
    Array.from({ length: MAX_RELATED_STEPS }, (_, i) => [`${i + 1}. step`, i + 1]),
  );
});
