// The one way down a tree-sitter cursor towards an offset, shared by the mapping (nodeMapping.ts) and
// range tracking (rangeTracking.ts, lsp/documents.ts).
import type Parser from 'tree-sitter';

/** node-tree-sitter 0.25 returns the child's index, or null when there is none (its .d.ts says boolean). */
function moved(result: unknown): boolean {
  return result !== null && result !== false && result !== -1 && result !== undefined;
}

/**
 * Moves the cursor to the first child ending after `at`, as `Node.firstChildForIndex` finds it;
 * returns false, leaving the cursor where it was, when there is none. The native cursor call gives
 * up when a hidden token (Go's "\n" terminators) ends after `at` before any visible child does;
 * then scan the children.
 */
export function gotoChildEndingAfter(c: Parser.TreeCursor, at: number): boolean {
  if (moved(c.gotoFirstChildForIndex(at))) return true;
  if (!c.gotoFirstChild()) return false;
  do if (c.endIndex > at) return true;
  while (c.gotoNextSibling());
  c.gotoParent();
  return false;
}
