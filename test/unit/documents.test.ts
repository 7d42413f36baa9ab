// An open document's findings: which node type each one is tracked by while the user types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/engine/types';
import { liveFixes, withheldFixes } from '../../server/src/lsp/codeActions';
import { OpenDocument } from '../../server/src/lsp/documents';
import { testFinding } from '../helpers/finding';

const TEXT = 'package p\n\nfunc f(n int) []byte {\n\tbuf := make([]byte, n)\n\treturn buf\n}\n';

/** A finding on line 4 of TEXT; `nodeType` as the mapping gives it (absent for fix and profile findings). */
function finding(message: string, column: number, endColumn: number, nodeType?: string | null): Finding {
  const f = testFinding({ line: 4, column, endLine: 4, endColumn, severity: 'hint', message });
  return nodeType === undefined ? f : { ...f, nodeType };
}

test('setFindings tracks a compiler line by the node type it carries, and looks one up only for findings without one', () => {
  const doc = new OpenDocument('file:///x.go', '/x.go', 1, TEXT);
  // `make([]byte, n)` is both the call and the right-hand side's expression_list; a lookup finds the innermost.
  const carried = finding('carried', 9, 24, 'expression_list');
  const offsets = finding('offsets', 2, 5, null);
  const lookedUp = finding('looked up', 9, 24);
  doc.setFindings([carried, offsets, lookedUp], TEXT);
  const typeOf = (): Record<string, string | null> => Object.fromEntries(doc.tracked.map((t) => [t.finding.message, t.nodeType]));
  assert.deepEqual(typeOf(), { carried: 'expression_list', offsets: null, 'looked up': 'call_expression' });
  // An edit next to them: each is confirmed on the new tree by its type (or followed by offsets).
  doc.applyChanges([{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '\t// note\n' }], 2);
  assert.deepEqual(typeOf(), { carried: 'expression_list', offsets: null, 'looked up': 'call_expression' });
  assert.ok(doc.tracked.every((t) => t.range.line === 5));
});

test('trackedOnLines places the findings on a line as tracking all of them would, through edits above, on and below it', () => {
  // 40 functions, two findings each: `x` moved to the heap and the escaping make.
  const lines = ['package p', ''];
  for (let i = 0; i < 40; i++) lines.push(`func F${i}(n int) (*int, []byte) {`, `\tx := n + ${i}`, '\tb := make([]byte, n)', '\treturn &x, b', '}', '');
  const text = lines.join('\n');
  const findings: Finding[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('\tx :=')) findings.push({ ...finding(`x${i}`, 2, 3, 'identifier'), line: i + 1, endLine: i + 1 });
    if (l.startsWith('\tb :=')) findings.push({ ...finding(`b${i}`, 7, 22, 'call_expression'), line: i + 1, endLine: i + 1 });
  });
  const edits = [
    { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '// a line above everything\n' },
    { range: { start: { line: 30, character: 1 }, end: { line: 30, character: 1 } }, text: 'y := 1\n\t_ = y\n\t' },
    { range: { start: { line: 100, character: 0 }, end: { line: 103, character: 0 } }, text: '' },
    { range: { start: { line: 61, character: 8 }, end: { line: 61, character: 8 } }, text: '2*' },
  ];
  // One document read after each edit (the truth), one asked only for single lines.
  const whole = new OpenDocument('file:///x.go', '/x.go', 1, text);
  const partial = new OpenDocument('file:///x.go', '/x.go', 1, text);
  whole.setFindings(findings, text);
  partial.setFindings(findings, text);
  let version = 1;
  for (const e of edits) {
    version++;
    whole.applyChanges([e], version);
    partial.applyChanges([e], version);
    const all = whole.tracked;
    let found = 0;
    for (let line0 = 0; line0 < whole.lines.lineCount; line0++) {
      const want = all.filter((t) => t.range.line - 1 === line0).map((t) => [t.finding.message, t.range]);
      const got = partial.trackedOnLines(line0).map((t) => [t.finding.message, t.range]);
      assert.deepEqual(got, want, `line ${line0} after edit ${version - 1}`);
      found += got.length;
    }
    assert.equal(found, all.length, 'every finding is on one of the lines');
  }
  // The deletion of lines 100-102 swallowed one function's findings.
  assert.equal(whole.tracked.length, findings.length - 2);
});

test('withheldFixes says why a diagnostic sent with a fix gets none now: edited, compile failed, replaced', () => {
  const edit = { file: '/x.go', line: 4, column: 9, endLine: 4, endColumn: 24, newText: 'make([]byte, 0, n)' };
  const fixed = { ...finding('fixed', 9, 24, 'call_expression'), fixes: [{ id: 'f1', title: 'fix it', edits: [edit] }] };
  const keys = new Map<Finding, string>();
  const keyOf = (f: Finding): string => keys.get(f) ?? (keys.set(f, `k${keys.size}`), `k${keys.size - 1}`);
  const doc = new OpenDocument('file:///x.go', '/x.go', 1, TEXT);
  doc.setFindings([fixed], TEXT);
  const sent = (key: string) => ({ diagnostics: [{ range: { start: { line: 3, character: 8 }, end: { line: 3, character: 23 } }, message: 'm', data: { key, fixIds: ['f1'] } }] });
  const why = (key: string): string[] => withheldFixes(doc, sent(key), keyOf, liveFixes(doc, keyOf));
  // Live: nothing withheld.
  assert.deepEqual(why(keyOf(fixed)), []);
  // An older publish's key.
  assert.deepEqual(why('gone'), ['no fix offered at x.go:4:9: its finding was replaced by a newer analysis']);
  // The package's compile failed: the finding is kept, stale, its fixes withheld.
  doc.setFindings([], TEXT, [fixed]);
  const staleKey = keyOf(doc.tracked[0]!.finding);
  assert.deepEqual(why(staleKey), ['no fix offered at x.go:4:9: the last compile of its package failed']);
  // Edited since the compile, with no fix context to recheck it: the fix is not offered.
  doc.setFindings([fixed], TEXT);
  doc.applyChanges([{ range: { start: { line: 3, character: 20 }, end: { line: 3, character: 21 } }, text: 'm' }], 2);
  assert.deepEqual(why(keyOf(fixed)), ['no fix offered at x.go:4:9: its code was edited since the compile and the fix no longer applies']);
});
