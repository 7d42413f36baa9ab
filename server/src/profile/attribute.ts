// Per-line attribution of allocation profiles, counted exactly as `go tool pprof -lines` does:
// flat goes to the first Line (innermost inlined frame) of the leaf Location, cum to every
// distinct line on the stack, once per sample. The result is plain data (structured-cloneable),
// so a worker thread can produce it and the language server can keep it.
import type { Profile } from 'pprof-format';
import type { ProfileSampleType } from '../protocol/settings';
import { ProfileError } from './decode';

/** Bytes and objects together; the two sample types of a pair (alloc_space ↔ alloc_objects). */
export interface CostPair {
  bytes: number;
  objects: number;
}

/** One source line as the profile names it (paths are the profile's, not local ones). */
export interface ProfileFrame {
  function: string;
  file: string;
  line: number;
}

/** One call path reaching an allocation line, innermost frame first, with what it allocated. */
export interface CallPath extends CostPair {
  frames: ProfileFrame[];
}

/** The cost attributed to one source line of the profile. */
export interface ProfileLine extends ProfileFrame {
  /** Allocated at this line itself (first Line of the leaf Location). */
  flat: CostPair;
  /** Allocated at or below this line (each line once per sample). */
  cum: CostPair;
  /**
   * Allocated by functions inlined at this line, which is a call site inside the leaf Location
   * (the Location's later Lines are the callers of the inlined frames).
   */
  inlined: CostPair;
  /** The heaviest call paths whose allocating (flat) line is this one, by the chosen sample. */
  paths: CallPath[];
}

/** What attributing one or more profiles yields. */
export interface ProfileAttribution {
  sampleType: ProfileSampleType;
  total: CostPair;
  /** Every line that appears on some stack; order unspecified. */
  lines: ProfileLine[];
}

/** Options for attribution. */
export interface AttributeOptions {
  /** Sample type whose value ranks paths and defines shares. Default alloc_space. */
  sampleType?: ProfileSampleType;
  /** How many call paths to keep per allocating line. Default 5. */
  maxPaths?: number;
}

/** Returns the [bytes, objects] sample type names of the pair a sample type belongs to. */
export function samplePair(sampleType: ProfileSampleType): [string, string] {
  return sampleType.startsWith('alloc_') ? ['alloc_space', 'alloc_objects'] : ['inuse_space', 'inuse_objects'];
}

interface PathAcc {
  bytes: number;
  objects: number;
  lines: LineAcc[];
}

/** What one interned line accumulates while the samples are read. */
interface LineAcc {
  /** Its place in intern order, which keys call paths. */
  id: number;
  frame: ProfileFrame;
  flat: CostPair;
  cum: CostPair;
  inlined: CostPair;
  /** The serial of the last sample counted in cum, so a line recurring on one stack counts once. */
  lastSample: number;
  /** The call paths of the samples whose flat line this is, by stack key; null until one arrives. */
  paths: Map<string, PathAcc> | null;
}

/** Returns per-line flat, cum, inlined costs and top call paths over all profiles, summed per line. */
export function attributeProfiles(profiles: Profile[], options: AttributeOptions = {}): ProfileAttribution {
  const sampleType = options.sampleType ?? 'alloc_space';
  const maxPaths = options.maxPaths ?? 5;
  const rankByBytes = sampleType.endsWith('_space');
  const [bytesName, objectsName] = samplePair(sampleType);

  // Lines are interned across profiles by (function, file, line): pprof's -lines node identity.
  const lineIndex = new Map<string, LineAcc>();
  const accs: LineAcc[] = [];
  const intern = (fn: string, file: string, line: number): LineAcc => {
    const key = `${fn}\u0000${file}\u0000${line}`;
    let acc = lineIndex.get(key);
    if (acc === undefined) {
      acc = {
        id: accs.length,
        frame: { function: fn, file, line },
        flat: { bytes: 0, objects: 0 },
        cum: { bytes: 0, objects: 0 },
        inlined: { bytes: 0, objects: 0 },
        lastSample: -1,
        paths: null,
      };
      lineIndex.set(key, acc);
      accs.push(acc);
    }
    return acc;
  };

  let totalB = 0;
  let totalO = 0;
  let sampleSerial = 0;
  for (const profile of profiles) {
    const strings = profile.stringTable.strings;
    const types = profile.sampleType.map((t) => strings[Number(t.type)]);
    const bi = types.indexOf(bytesName);
    const oi = types.indexOf(objectsName);
    if (bi < 0 || oi < 0) {
      throw new ProfileError('not-an-allocation-profile', `the profile has no ${bytesName}/${objectsName} sample types`);
    }
    const fnById = new Map<number, { name: string; file: string }>();
    for (const f of profile.function) {
      fnById.set(Number(f.id), { name: strings[Number(f.name)] ?? '', file: strings[Number(f.filename)] ?? '' });
    }
    // Each Location becomes the interned lines of its Lines, innermost (inlined) first.
    const locLines = new Map<number, LineAcc[]>();
    for (const loc of profile.location) {
      const lines: LineAcc[] = [];
      for (const ln of loc.line) {
        const fn = fnById.get(Number(ln.functionId));
        lines.push(intern(fn?.name ?? '', fn?.file ?? '', Number(ln.line)));
      }
      // An unsymbolized location still counts, as pprof shows it by address.
      if (lines.length === 0) lines.push(intern(`0x${Number(loc.address).toString(16)}`, '', 0));
      locLines.set(Number(loc.id), lines);
    }

    for (const s of profile.sample) {
      const b = Number(s.value[bi]);
      const o = Number(s.value[oi]);
      totalB += b;
      totalO += o;
      if (b === 0 && o === 0) continue;
      const serial = sampleSerial++;
      const stack: LineAcc[] = [];
      for (const locId of s.locationId) {
        const lines = locLines.get(Number(locId));
        if (lines) for (const line of lines) stack.push(line);
      }
      const [flat] = stack;
      if (!flat) continue;
      const leafLines = locLines.get(Number(s.locationId[0])) ?? [];
      flat.flat.bytes += b;
      flat.flat.objects += o;
      for (const [k, line] of leafLines.entries()) {
        if (k === 0 || line === flat) continue;
        line.inlined.bytes += b;
        line.inlined.objects += o;
      }
      for (const line of stack) {
        if (line.lastSample === serial) continue;
        line.lastSample = serial;
        line.cum.bytes += b;
        line.cum.objects += o;
      }
      if (maxPaths > 0) {
        const byStack = (flat.paths ??= new Map());
        const key = stack.map((line) => line.id).join(',');
        const path = byStack.get(key);
        if (path) {
          path.bytes += b;
          path.objects += o;
        } else byStack.set(key, { bytes: b, objects: o, lines: stack });
      }
    }
  }

  const lines: ProfileLine[] = accs.map((acc) => {
    const top = acc.paths ? topPaths([...acc.paths.values()], maxPaths, rankByBytes) : [];
    return {
      ...acc.frame,
      flat: acc.flat,
      cum: acc.cum,
      inlined: acc.inlined,
      paths: top.map((p) => ({ bytes: p.bytes, objects: p.objects, frames: p.lines.map((l) => l.frame) })),
    };
  });
  return { sampleType, total: { bytes: totalB, objects: totalO }, lines };
}

/** Returns the n heaviest paths by bytes or objects. */
function topPaths(all: PathAcc[], n: number, byBytes: boolean): PathAcc[] {
  const v = (p: PathAcc): number => (byBytes ? p.bytes : p.objects);
  return all.sort((a, b) => v(b) - v(a)).slice(0, n);
}

/** Returns the value of the chosen sample type from a cost pair. */
export function chosenValue(cost: CostPair, sampleType: ProfileSampleType): number {
  return sampleType.endsWith('_space') ? cost.bytes : cost.objects;
}
