// The fast publishDiagnostics encoder must write exactly what JSON.stringify would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { CACHED_JSON, diagnosticTail, messageBytes, type CachedDiagnostic } from '../../server/src/lsp/wire';

const messageJson = (m: unknown): string => messageBytes(m as never).toString('utf8');

function diag(i: number): Diagnostic {
  return {
    range: { start: { line: i, character: 1 }, end: { line: i, character: 5 } },
    severity: 3,
    source: 'heapscope',
    code: 'escape.heap',
    codeDescription: { href: 'https://example.com/KINDS.md#escape-heap' },
    message: `\`make([]byte, n)\` "quoted" \u2190 é ${i}\n\u0000`,
    data: { key: `escape.heap#${i}` },
    relatedInformation: [{ location: { uri: 'file:///w/a%20b.go', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } } }, message: '1. step' }],
  };
}

test('publishDiagnostics from cached tails equals JSON.stringify, ranges written fresh', () => {
  const cached: CachedDiagnostic[] = [];
  for (let i = 0; i < 50; i++) {
    const d: CachedDiagnostic = diag(i);
    d[CACHED_JSON] = diagnosticTail(d);
    // Moved after caching, as an edit does: the spread keeps the (enumerable) symbol.
    cached.push({ ...d, range: { start: { line: i + 3, character: 2 }, end: { line: i + 4, character: 0 } } });
  }
  cached.push(diag(99)); // one without a cached tail
  const msg = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/a.go', version: 7, diagnostics: cached } };
  const fast = messageJson(msg as never);
  assert.equal(fast, JSON.stringify(msg));
  assert.deepEqual(JSON.parse(fast).params.diagnostics[0].range, { start: { line: 3, character: 2 }, end: { line: 4, character: 0 } });
  const other = { jsonrpc: '2.0', id: 1, result: { contents: 'x' } };
  assert.equal(messageJson(other as never), JSON.stringify(other));
  assert.equal(diagnosticTail({ range: cached[0]!.range } as Diagnostic).toString(), '}');
});
