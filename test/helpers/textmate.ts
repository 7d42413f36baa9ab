// Loads one of the extension's TextMate grammars the way VS Code tokenises: vscode-textmate over
// the Oniguruma regex engine (vscode-oniguruma's WebAssembly build). Only that grammar is
// resolved: embedded ones (`source.go` in `can inline … as:`) stay unresolved.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';

let wasmLoaded: Promise<void> | null = null;

/** The grammar in `syntaxes/<fileName>`, or null when it does not load. */
export async function loadTextMateGrammar(fileName: string): Promise<IGrammar | null> {
  const text = readFileSync(path.join(__dirname, '..', '..', 'syntaxes', fileName), 'utf8');
  const scopeName = (JSON.parse(text) as { scopeName: string }).scopeName;
  wasmLoaded ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  await wasmLoaded;
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (name: string) => (name === scopeName ? parseRawGrammar(text, fileName) : null),
  });
  return registry.loadGrammar(scopeName);
}
