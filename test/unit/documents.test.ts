// An open document's findings: which node type each one is tracked by while the user types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/engine/types';
import { OpenDocument } from '../../server/src/lsp/documents';

const TEXT = 'package p\n\nfunc f(n int) []byte {\n\tbuf := make([]byte, n)\n\treturn buf\n}\n';

/** A finding on line 4 of TEXT; `nodeType` as the mapping gives it (absent for fix and profile findings). */
function finding(message: string, column: number, endColumn: number, nodeType?: string | null): Finding {
  const f: Finding = {
    file: '/x.go',
    line: 4,
    column,
    endLine: 4,
    endColumn,
    severity: 'hint',
    kind: 'escape.heap',
    message,
    compiler: null,
    related: [],
    fixes: [],
    alloc: null,
    packagePath: 'p',
    decision: null,
  };
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
