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
  /**
   * The line where the profile's build saw the function begin (pprof's Function.start_line: the
   * `func` keyword of the declaration or literal); 0 when the profile does not say.
   */
  startLine: number;
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

/**
 * What was allocated at one chain of frames: the Lines of a leaf Location, innermost first. More
 * than one frame means inlined calls: the first is where the inlined callee allocates, the last
 * the line the user wrote that brings it there. Every sample's cost is in exactly one chain.
 */
export interface AllocationChain extends CostPair {
  /** Indices into ProfileAttribution.lines, innermost first. */
  frames: number[];
}

/** What attributing one or more profiles yields. */
export interface ProfileAttribution {
  sampleType: ProfileSampleType;
  total: CostPair;
  /** Every line that appears on some stack; order unspecified. */
  lines: ProfileLine[];
  /** The cost of every sample once, by the frame chain of its leaf Location. */
  allocations: AllocationChain[];
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
  lineIds: number[];
}

/** Returns per-line flat, cum, inlined costs and top call paths over all profiles, summed per line. */
export function attributeProfiles(profiles: Profile[], options: AttributeOptions = {}): ProfileAttribution {
  const sampleType = options.sampleType ?? 'alloc_space';
  const maxPaths = options.maxPaths ?? 5;
  const rankByBytes = sampleType.endsWith('_space');
  const [bytesName, objectsName] = samplePair(sampleType);

  // Lines are interned across profiles by (function, file, line): pprof's -lines node identity.
  const lineIndex = new Map<string, number>();
  const frames: ProfileFrame[] = [];
  const flatB: number[] = [];
  const flatO: number[] = [];
  const cumB: number[] = [];
  const cumO: number[] = [];
  const inlB: number[] = [];
  const inlO: number[] = [];
  const stamp: number[] = [];
  const paths = new Map<number, Map<string, PathAcc>>();
  const chains = new Map<string, AllocationChain>();
  const intern = (fn: string, file: string, line: number, startLine: number): number => {
    const key = `${fn}\u0000${file}\u0000${line}`;
    let id = lineIndex.get(key);
    if (id === undefined) {
      id = frames.length;
      lineIndex.set(key, id);
      frames.push({ function: fn, file, line, startLine });
      for (const column of [flatB, flatO, cumB, cumO, inlB, inlO]) column.push(0);
      stamp.push(-1);
    }
    return id;
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
    const fnById = new Map<number, { name: string; file: string; startLine: number }>();
    for (const f of profile.function) {
      fnById.set(Number(f.id), { name: strings[Number(f.name)] ?? '', file: strings[Number(f.filename)] ?? '', startLine: Number(f.startLine) });
    }
    // Each Location becomes the line ids of its Lines, innermost (inlined) first.
    const locLines = new Map<number, number[]>();
    for (const loc of profile.location) {
      const ids: number[] = [];
      for (const ln of loc.line) {
        const fn = fnById.get(Number(ln.functionId));
        ids.push(intern(fn?.name ?? '', fn?.file ?? '', Number(ln.line), fn?.startLine ?? 0));
      }
      // An unsymbolized location still counts, as pprof shows it by address.
      if (ids.length === 0) ids.push(intern(`0x${Number(loc.address).toString(16)}`, '', 0, 0));
      locLines.set(Number(loc.id), ids);
    }

    for (const s of profile.sample) {
      const b = Number(s.value[bi]);
      const o = Number(s.value[oi]);
      totalB += b;
      totalO += o;
      if (b === 0 && o === 0) continue;
      const serial = sampleSerial++;
      const stack: number[] = [];
      for (const locId of s.locationId) {
        const ids = locLines.get(Number(locId));
        if (ids) for (const id of ids) stack.push(id);
      }
      const [flatId] = stack;
      if (flatId === undefined) continue;
      const leafLines = locLines.get(Number(s.locationId[0])) ?? [];
      const chainKey = leafLines.join(',');
      const chain = chains.get(chainKey);
      if (chain) {
        chain.bytes += b;
        chain.objects += o;
      } else chains.set(chainKey, { frames: leafLines, bytes: b, objects: o });
      // Every id comes from intern(), which gave each column an entry for it: the `!`s below hold.
      // (Parallel number arrays rather than an object per line: this loop runs once per sample
      // frame, tens of millions of times for a large profile.)
      flatB[flatId]! += b;
      flatO[flatId]! += o;
      for (let k = 1; k < leafLines.length; k++) {
        const id = leafLines[k]!;
        if (id === flatId) continue;
        inlB[id]! += b;
        inlO[id]! += o;
      }
      for (const id of stack) {
        if (stamp[id] === serial) continue;
        stamp[id] = serial;
        cumB[id]! += b;
        cumO[id]! += o;
      }
      if (maxPaths > 0) {
        let byStack = paths.get(flatId);
        if (!byStack) paths.set(flatId, (byStack = new Map()));
        const key = stack.join(',');
        const acc = byStack.get(key);
        if (acc) {
          acc.bytes += b;
          acc.objects += o;
        } else byStack.set(key, { bytes: b, objects: o, lineIds: stack });
      }
    }
  }

  const lines: ProfileLine[] = frames.map((f, id) => {
    const accs = paths.get(id);
    const top = accs ? topPaths([...accs.values()], maxPaths, rankByBytes) : [];
    return {
      ...f,
      flat: { bytes: flatB[id]!, objects: flatO[id]! },
      cum: { bytes: cumB[id]!, objects: cumO[id]! },
      inlined: { bytes: inlB[id]!, objects: inlO[id]! },
      paths: top.map((p) => ({ bytes: p.bytes, objects: p.objects, frames: p.lineIds.map((l) => frames[l]!) })),
    };
  });
  return { sampleType, total: { bytes: totalB, objects: totalO }, lines, allocations: [...chains.values()] };
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
