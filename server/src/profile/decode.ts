// Reading pprof files: gunzip (with a size cap), protobuf decode with pprof-format, and a check
// that the file really is an allocation profile. Every failure is a ProfileError with a message
// meant for the user; nothing here throws anything else for bad bytes.
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { PROFILE_SAMPLE_TYPES } from '../protocol/settings';

/** Default cap on the decompressed size of one profile: 512 MiB. */
export const DEFAULT_MAX_PROFILE_BYTES = 512 * 1024 * 1024;

/** Why a profile could not be used. */
export type ProfileErrorCode = 'read-failed' | 'not-a-file' | 'not-a-profile' | 'truncated' | 'too-large' | 'not-an-allocation-profile' | 'not-this-module';

/** What to give instead of a file that is not an allocation profile, ending every such message. */
export const GIVE_AN_ALLOCATION_PROFILE = 'give a heap/allocs profile instead: one written by `go test -memprofile`, runtime/pprof.WriteHeapProfile or /debug/pprof/allocs (or /heap)';

/** An error whose message can be shown to the user as is. */
export class ProfileError extends Error {
  constructor(
    readonly code: ProfileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** Options for reading a profile. */
export interface DecodeOptions {
  /** Largest decompressed size accepted, in bytes (gzip-bomb guard). Default 512 MiB. */
  maxBytes?: number;
}

/** Returns true when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns the decompressed protobuf bytes of a profile file (gunzipped when gzip), refusing more than maxBytes. */
export function unzipProfile(bytes: Uint8Array, name: string, maxBytes = DEFAULT_MAX_PROFILE_BYTES): Uint8Array {
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes) {
      throw new ProfileError('too-large', `${name}: the profile is ${bytes.length} bytes, more than the limit of ${maxBytes} bytes`);
    }
    return bytes;
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ProfileError('too-large', `${name}: the profile decompresses to more than the limit of ${maxBytes} bytes; refusing it (raise the profile size limit if it is genuine)`);
    }
    if (code === 'Z_BUF_ERROR') {
      throw new ProfileError('truncated', `${name}: the gzip data ends early: the file is truncated (copied or downloaded only in part?); ${GIVE_AN_ALLOCATION_PROFILE}`);
    }
    throw new ProfileError('not-a-profile', `${name}: this is gzip-compressed data that is corrupt, not a pprof profile; ${GIVE_AN_ALLOCATION_PROFILE}`);
  }
}

/** Returns the decoded profile, or throws a ProfileError saying what the bytes look like when they are not a pprof protobuf. */
export function decodeProfile(bytes: Uint8Array, name: string, options: DecodeOptions = {}): Profile {
  const raw = unzipProfile(bytes, name, options.maxBytes);
  let profile: Profile | null = null;
  let decodeError: unknown = null;
  try {
    profile = Profile.decode(raw);
  } catch (err) {
    decodeError = err;
  }
  // Protobuf decodes almost anything, so a file is described only once it fails to be a profile:
  // a real profile is never refused for looking like something else.
  if (profile && isProfileShaped(profile)) return profile;
  const looks = describeBytes(raw, isGzip(bytes));
  if (looks) throw new ProfileError('not-a-profile', `${name}: ${looks}; ${GIVE_AN_ALLOCATION_PROFILE}`);
  // pprof-format reads past the end of a cut-off buffer (a RangeError or an index message).
  const truncated = decodeError !== null && (decodeError instanceof RangeError || /out of range|index|bounds/i.test(String((decodeError as Error).message)));
  if (truncated) throw new ProfileError('truncated', `${name}: the profile data ends early: the file is truncated or not a pprof profile; ${GIVE_AN_ALLOCATION_PROFILE}`);
  throw new ProfileError('not-a-profile', `${name}: this is binary data that is not a pprof profile; ${GIVE_AN_ALLOCATION_PROFILE}`);
}

/** Returns what a file that failed to decode looks like in plain words (empty, JSON, text), or null for other binary data. */
function describeBytes(raw: Uint8Array, gzipped: boolean): string | null {
  if (raw.length === 0) return gzipped ? 'the gzip data holds nothing: the file is empty' : 'the file is empty';
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.length, 4096));
  if (!looksLikeText(head)) return null;
  const text = head.toString('utf8').trimStart();
  const compressed = gzipped ? 'gzip-compressed ' : '';
  if (/^heap profile:/.test(text)) return `this is a ${compressed}heap profile in the text format (/debug/pprof/heap?debug=1), not the binary pprof format (leave out debug=1)`;
  if (/^[{[]/.test(text)) return `this is a ${compressed}JSON file, not a pprof profile`;
  return `this is a ${compressed}text file, not a pprof profile`;
}

/** Returns true when the bytes hold no control characters but tab, line feed and carriage return (UTF-8 text). */
function looksLikeText(head: Buffer): boolean {
  for (const b of head) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
  return true;
}

/** Returns the sample type names of a profile, e.g. ['alloc_objects', 'alloc_space', …]. */
export function sampleTypeNames(profile: Profile): string[] {
  const strings = profile.stringTable.strings;
  return profile.sampleType.map((t) => strings[Number(t.type)] ?? '');
}

/** Throws a ProfileError naming the profile's kind when it is not an allocation (allocs/heap) profile. */
export function checkAllocationProfile(profile: Profile, name: string): void {
  const types = sampleTypeNames(profile);
  const missing = PROFILE_SAMPLE_TYPES.filter((t) => !types.includes(t));
  if (missing.length === 0) return;
  const units = profile.sampleType.map((t) => `${profile.stringTable.strings[Number(t.type)] ?? ''}/${profile.stringTable.strings[Number(t.unit)] ?? ''}`);
  throw new ProfileError('not-an-allocation-profile', `${name}: this is ${describeKind(types)} (sample types ${units.join(', ')}), not an allocation profile; ${GIVE_AN_ALLOCATION_PROFILE}`);
}

/** Returns a phrase naming a non-allocation profile from its sample types. */
function describeKind(types: string[]): string {
  if (types.includes('cpu')) return 'a CPU profile';
  if (types.includes('goroutine')) return 'a goroutine profile';
  if (types.includes('contentions') || types.includes('delay')) return 'a block or mutex profile';
  if (types.length === 0) return 'a profile with no sample types';
  return 'not an allocation profile';
}

/** Returns whether the decoded message can be a Go pprof profile (protobuf decodes almost anything). */
function isProfileShaped(profile: Profile): boolean {
  const strings = profile.stringTable.strings;
  const n = profile.sampleType.length;
  return !(n === 0 || strings.length === 0 || strings[0] !== '' || profile.sampleType.some((t) => Number(t.type) >= strings.length) || profile.sample.some((s) => s.value.length !== n));
}
