// `heapscope lsp --stdio`: runs the language server in this process over stdio (or --node-ipc).
import { createServerConnection, startServer } from '../lsp/server';

/** Runs the language server; returns 2 on bad arguments, otherwise never resolves (the exit notification ends the process). */
export function runLsp(args: string[]): Promise<number> {
  if (!args.includes('--stdio') && !args.includes('--node-ipc') && !args.some((a) => a.startsWith('--socket') || a.startsWith('--pipe'))) {
    process.stderr.write('usage: heapscope lsp --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n');
    return Promise.resolve(2);
  }
  // createConnection reads the transport from process.argv; make sure the flag is there when called from main().
  for (const a of args) if (!process.argv.includes(a)) process.argv.push(a);
  const { connection, fastWire } = createServerConnection();
  startServer(connection, { fastWire });
  return new Promise<number>(() => undefined);
}
