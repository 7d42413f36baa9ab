// The one tree-sitter parser for Go of this process (the engine, the fixes and profile mapping
// share it; parsing is synchronous, so one is enough). The native bindings are loaded on first
// use: `heapscope check` starts go before it needs them.
import type Parser from 'tree-sitter';

let shared: Parser | null = null;

/** The process's Go parser, made (and tree-sitter loaded) on first call. */
export function goParser(): Parser {
  if (shared === null) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the native bindings load on first use, not at start-up.
    const TreeSitter = require('tree-sitter') as typeof Parser;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with tree-sitter, on first use.
    const Go = require('tree-sitter-go') as Parser.Language;
    shared = new TreeSitter();
    shared.setLanguage(Go);
  }
  return shared;
}
