// Writing publishDiagnostics fast. After an edit of a big file every diagnostic is sent again
// (LSP has no partial update), yet only ranges changed: the rest of each diagnostic (message,
// related information, links, data) is serialised and UTF-8 encoded once, kept on the diagnostic
// under CACHED_JSON, and copied into the message next to freshly written ranges. Everything else
// goes through JSON.stringify as vscode-jsonrpc would. Used for the stream transports (stdio).
import type { Message } from 'vscode-jsonrpc';
import type { Diagnostic, Range } from 'vscode-languageserver';

/** Symbol key of a diagnostic's UTF-8 JSON without its range: `,"severity":…}` (JSON.stringify skips symbol keys). */
export const CACHED_JSON: unique symbol = Symbol('heapscope.diagnosticJson');

/** A diagnostic that may carry its cached JSON tail. */
export type CachedDiagnostic = Diagnostic & { [CACHED_JSON]?: Buffer };

/** Returns the JSON of a diagnostic without its range, starting at the comma after it, UTF-8 encoded. */
export function diagnosticTail(d: Diagnostic): Buffer {
  const { range: _range, ...rest } = d;
  const json = JSON.stringify(rest);
  return Buffer.from(json === '{}' ? '}' : ',' + json.slice(1), 'utf8');
}

function rangeJson(r: Range): string {
  return `{"range":{"start":{"line":${r.start.line},"character":${r.start.character}},"end":{"line":${r.end.line},"character":${r.end.character}}}`;
}

const PLACEHOLDER = '\u0000heapscope-diagnostics\u0000';

/** Returns the UTF-8 JSON of a JSON-RPC message, building publishDiagnostics from cached parts. */
export function messageBytes(msg: Message): Buffer {
  const m = msg as { method?: unknown; params?: { diagnostics?: CachedDiagnostic[] } };
  const diagnostics = m.method === 'textDocument/publishDiagnostics' ? m.params?.diagnostics : undefined;
  if (!Array.isArray(diagnostics) || !diagnostics.some((d) => d[CACHED_JSON] !== undefined)) return Buffer.from(JSON.stringify(msg), 'utf8');
  const shell = JSON.stringify({ ...msg, params: { ...m.params, diagnostics: PLACEHOLDER } });
  const at = shell.indexOf(JSON.stringify(PLACEHOLDER));
  const head = Buffer.from(shell.slice(0, at) + '[', 'utf8');
  const tail = Buffer.from(']' + shell.slice(at + JSON.stringify(PLACEHOLDER).length), 'utf8');
  // Ranges are ASCII: written straight into one buffer next to the cached tails (no re-encoding).
  const heads: string[] = [];
  const rests: Buffer[] = [];
  let size = head.length + tail.length + Math.max(0, diagnostics.length - 1);
  for (const d of diagnostics) {
    const cached = d[CACHED_JSON];
    if (cached === undefined) {
      const whole = Buffer.from(JSON.stringify(d), 'utf8');
      heads.push('');
      rests.push(whole);
      size += whole.length;
    } else {
      const r = rangeJson(d.range);
      heads.push(r);
      rests.push(cached);
      size += r.length + cached.length;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let o = head.copy(out, 0);
  for (let i = 0; i < rests.length; i++) {
    if (i > 0) out[o++] = 0x2c; // ','
    o += out.write(heads[i]!, o, 'latin1');
    o += rests[i]!.copy(out, o);
  }
  tail.copy(out, o);
  return out;
}

/** A vscode-jsonrpc content-type encoder using messageBytes (the server always writes UTF-8). */
export const fastJsonEncoder = {
  name: 'application/json',
  encode: (msg: Message): Promise<Uint8Array> => {
    try {
      return Promise.resolve(messageBytes(msg));
    } catch (err) {
      return Promise.reject(err);
    }
  },
};
