// Phase marks for finding where a run's time goes: set HEAPSCOPE_TIMING=1 and `heapscope check`
// prints, on stderr, each phase's end in milliseconds since the process started. Off, a mark
// costs one branch.

const enabled = typeof process !== 'undefined' && Boolean(process.env.HEAPSCOPE_TIMING);
const marks: Array<[string, number]> = [];

/** Records that `phase` ended now (when HEAPSCOPE_TIMING is set). */
export function mark(phase: string): void {
  if (enabled) marks.push([phase, performance.now()]);
}

/** The marks so far as `heapscope: timing: phase at N ms (+M ms)` lines, or '' when timing is off. */
export function timingReport(): string {
  let previous = 0;
  let out = '';
  for (const [phase, at] of marks) {
    out += `heapscope: timing: ${phase} at ${at.toFixed(1)} ms (+${(at - previous).toFixed(1)} ms)\n`;
    previous = at;
  }
  return out;
}
