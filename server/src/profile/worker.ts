// Worker thread entry: loads the profiles named in workerData and posts a WorkerReply.
// Bundle it as its own esbuild entry (dist/profile-worker.js) next to the server bundle.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ProfileError } from './decode';
import { loadProfiles, type WorkerReply, type WorkerRequest } from './load';

/** Returns the reply for one request; never throws. */
export function handleRequest(request: WorkerRequest): WorkerReply {
  try {
    return { ok: true, profile: loadProfiles(request.files, request.options) };
  } catch (err) {
    if (err instanceof ProfileError) return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'internal', message: (err as Error).stack ?? String(err) };
  }
}

const request = workerData as WorkerRequest | null;
if (!isMainThread && parentPort && request?.heapscopeProfile) {
  parentPort.postMessage(handleRequest(request));
}
