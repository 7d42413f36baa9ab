// Loading profiles from disk: read, decode, check, attribute, merge. `loadProfiles` runs in the
// calling thread; `loadProfileInWorker` runs the same function in a worker_threads Worker so the
// language server's main thread keeps answering while a large profile is decoded.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { attributeProfiles, type ProfileAttribution } from './attribute';
import { checkAllocationProfile, decodeProfile, ProfileError, type AllocSampleType, type ProfileErrorCode } from './decode';

/** Options for loading profiles. */
export interface LoadOptions {
  /** Sample type to rank and share by. Default alloc_space. */
  sampleType?: AllocSampleType;
  /** Largest decompressed size of one profile in bytes. Default 512 MiB. */
  maxBytes?: number;
  /** Call paths kept per allocating line. Default 5. */
  maxPaths?: number;
}

/** One or more profiles, decoded and attributed together. */
export interface LoadedProfile {
  /** The profile files, as given. */
  files: string[];
  attribution: ProfileAttribution;
}

/** Returns the merged attribution of the profile files (sums per line); throws ProfileError with a user-facing message. */
export function loadProfiles(files: string[], options: LoadOptions = {}): LoadedProfile {
  const profiles = files.map((file) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new ProfileError('read-failed', `${file}: cannot read the profile (${(err as Error).message})`);
    }
    const profile = decodeProfile(bytes, file, { maxBytes: options.maxBytes });
    checkAllocationProfile(profile, file);
    return profile;
  });
  return { files, attribution: attributeProfiles(profiles, { sampleType: options.sampleType, maxPaths: options.maxPaths }) };
}

/** What the worker posts back. */
export type WorkerReply = { ok: true; profile: LoadedProfile } | { ok: false; code: ProfileErrorCode | 'internal'; message: string };

/** The workerData the worker script expects. */
export interface WorkerRequest {
  heapscopeProfile: true;
  files: string[];
  options: LoadOptions;
}

/**
 * Returns the worker script next to this module: `profile-worker.js` when bundled (esbuild entry
 * server/src/profile/worker.ts → dist/profile-worker.js), else worker.js / worker.ts from source.
 */
export function profileWorkerScript(dir: string = __dirname): string {
  for (const name of ['profile-worker.js', 'worker.js', 'worker.ts']) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return path.join(dir, 'profile-worker.js');
}

/** Returns the merged attribution computed in a worker thread running workerScript (see profileWorkerScript). */
export function loadProfileInWorker(files: string[], options: LoadOptions = {}, workerScript: string = profileWorkerScript()): Promise<LoadedProfile> {
  return new Promise((resolve, reject) => {
    const request: WorkerRequest = { heapscopeProfile: true, files, options };
    // A TypeScript entry (tests under tsx) needs tsx's require hook inside the worker too; the
    // bundled server passes dist/profile-worker.js and never reaches this branch.
    const worker = workerScript.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(workerScript)});`, { eval: true, workerData: request })
      : new Worker(workerScript, { workerData: request });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.profile);
      else reject(reply.code === 'internal' ? new Error(reply.message) : new ProfileError(reply.code, reply.message));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the profile worker exited with code ${code} before replying`));
      settled = true;
    });
  });
}
