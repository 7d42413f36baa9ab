// Loading profiles from disk: read, decode, check, attribute, merge. `loadProfiles` runs in the
// calling thread; `loadProfileInWorker` runs the same function in a worker_threads Worker so the
// language server's main thread keeps answering while a large profile is decoded.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { attributeProfiles, type ProfileAttribution } from './attribute';
import { checkAllocationProfile, decodeProfile, DEFAULT_MAX_PROFILE_BYTES, GIVE_AN_ALLOCATION_PROFILE, ProfileError, type ProfileErrorCode } from './decode';
import type { ProfileSampleType } from '../protocol/settings';
import type { LocalModule, MappedLine, MappedProfile } from './mapping';

/** Options for loading profiles. */
export interface LoadOptions {
  /** Sample type to rank and share by. Default alloc_space. */
  sampleType?: ProfileSampleType;
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
    const bytes = readProfileFile(file, options.maxBytes ?? DEFAULT_MAX_PROFILE_BYTES);
    const profile = decodeProfile(bytes, file, { maxBytes: options.maxBytes });
    checkAllocationProfile(profile, file);
    return profile;
  });
  return { files, attribution: attributeProfiles(profiles, { sampleType: options.sampleType, maxPaths: options.maxPaths }) };
}

/** Bytes read per call while reading a profile. */
const READ_CHUNK = 1 << 20;

/**
 * Returns the bytes of a regular file, refusing anything else and more than maxBytes. The file is
 * opened non-blocking and checked with fstat on that descriptor, so a FIFO cannot hang the open and
 * nothing can swap the file between the check and the read; the cap is applied while reading, as a
 * regular file can still grow without end or report a wrong size (/proc).
 */
export function readProfileFile(file: string, maxBytes: number): Buffer {
  const limit = Math.floor(maxBytes);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new ProfileError('read-failed', `${file}: cannot read the profile (${(err as Error).message})`);
  }
  try {
    const kind = fileKind(fstatSync(fd));
    if (kind) throw new ProfileError('not-a-file', `${file}: this is ${kind}, not a profile file; ${GIVE_AN_ALLOCATION_PROFILE}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, limit - total + 1));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new ProfileError('too-large', `${file}: the profile is more than the limit of ${limit} bytes; refusing it (raise the profile size limit if it is genuine)`);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof ProfileError) throw err;
    throw new ProfileError('read-failed', `${file}: cannot read the profile (${(err as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** Returns a phrase naming a file that is not a regular file (a FIFO, a device, a directory), or null for a regular file. */
function fileKind(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** What the worker posts back. */
export type WorkerReply = { ok: true; profile: LoadedProfile } | { ok: false; code: ProfileErrorCode | 'internal'; message: string };

/** The workerData the worker script expects. */
export interface WorkerRequest {
  heapscopeProfile: true;
  files: string[];
  options: LoadOptions;
  /** When set, the worker also maps the attribution onto this module and replies in MappedWorkerMessage parts. */
  module?: LocalModule;
}

/** Profiles decoded, attributed and placed on a local module. */
export interface LoadedMappedProfile {
  files: string[];
  mapped: MappedProfile;
}

/**
 * What the worker posts for a mapping request: a head without the lines, then the lines in
 * chunks. One big message would be deserialised in one go on the main thread (a 118 ms stall was
 * measured for a large attribution); small parts let hovers run between them.
 */
export type MappedWorkerMessage =
  | { ok: true; part: 'head'; files: string[]; profile: Omit<MappedProfile, 'lines'>; lineCount: number }
  | { ok: true; part: 'lines'; lines: MappedLine[] }
  | { ok: false; code: ProfileErrorCode | 'internal'; message: string };

/** Lines per message of a mapped reply. */
export const MAPPED_LINES_PER_MESSAGE = 200;

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
    const worker = startWorker(workerScript, { heapscopeProfile: true, files, options });
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

/** Starts the worker script (a TypeScript entry needs tsx's require hook inside the worker too). */
function startWorker(workerScript: string, request: WorkerRequest): Worker {
  return workerScript.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(workerScript)});`, { eval: true, workerData: request })
    : new Worker(workerScript, { workerData: request });
}

/**
 * Returns the profiles decoded, attributed and mapped onto `module`, all in a worker thread; only
 * the module's lines come back, in small parts pulled one per event-loop turn, so the calling
 * thread never stalls on one big message.
 */
export function loadMappedProfileInWorker(files: string[], options: LoadOptions, module: LocalModule, workerScript: string = profileWorkerScript()): Promise<LoadedMappedProfile> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(workerScript, { heapscopeProfile: true, files, options, module });
    let settled = false;
    let head: Extract<MappedWorkerMessage, { part: 'head' }> | null = null;
    const lines: MappedLine[] = [];
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (err) reject(err);
      else if (head) resolve({ files: head.files, mapped: { ...head.profile, lines } });
    };
    worker.on('message', (m: MappedWorkerMessage) => {
      if (!m.ok) return finish(m.code === 'internal' ? new Error(m.message) : new ProfileError(m.code, m.message));
      if (m.part === 'head') head = m;
      else for (const l of m.lines) lines.push(l);
      if (head && lines.length >= head.lineCount) finish(null);
      else setImmediate(() => worker.postMessage('next'));
    });
    worker.once('error', (err) => finish(err));
    worker.once('exit', (code) => finish(new Error(`the profile worker exited with code ${code} before replying`)));
  });
}
