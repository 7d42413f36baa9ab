// Worker thread entry: loads the profiles named in workerData and posts a WorkerReply.
// Bundle it as its own esbuild entry (dist/profile-worker.js) next to the server bundle.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ProfileError } from './decode';
import { loadProfiles, MAPPED_LINES_PER_MESSAGE, type MappedWorkerMessage, type WorkerReply, type WorkerRequest } from './load';
import { mapProfileToModule, type LocalModule } from './mapping';

/** Returns the reply for one request; never throws. */
export function handleRequest(request: WorkerRequest): WorkerReply {
  try {
    return { ok: true, profile: loadProfiles(request.files, request.options) };
  } catch (err) {
    if (err instanceof ProfileError) return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'internal', message: (err as Error).stack ?? String(err) };
  }
}

/** Returns the messages answering a mapping request: head, then the lines in parts; never throws. */
export function handleMappedRequest(request: WorkerRequest & { module: LocalModule }): MappedWorkerMessage[] {
  const reply = handleRequest(request);
  if (!reply.ok) return [reply];
  try {
    const { lines, ...rest } = mapProfileToModule(reply.profile.attribution, request.module);
    const out: MappedWorkerMessage[] = [{ ok: true, part: 'head', files: reply.profile.files, profile: rest, lineCount: lines.length }];
    for (let i = 0; i < lines.length; i += MAPPED_LINES_PER_MESSAGE) out.push({ ok: true, part: 'lines', lines: lines.slice(i, i + MAPPED_LINES_PER_MESSAGE) });
    return out;
  } catch (err) {
    return [{ ok: false, code: 'internal', message: (err as Error).stack ?? String(err) }];
  }
}

const request = workerData as WorkerRequest | null;
if (!isMainThread && parentPort && request?.heapscopeProfile) {
  if (request.module) {
    // One part per 'next' from the main thread: it asks after a turn of its event loop, so requests
    // queued there (hovers) run between parts instead of after all of them.
    const port = parentPort;
    const parts = handleMappedRequest({ ...request, module: request.module });
    port.postMessage(parts.shift());
    port.on('message', () => {
      const next = parts.shift();
      if (next) port.postMessage(next);
      else port.close();
    });
  } else parentPort.postMessage(handleRequest(request));
}
