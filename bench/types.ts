// One measured figure of `npm run bench`. Each bench/*.bench.ts exports `run(): Promise<BenchFigure[]>`.
export interface BenchFigure {
  /** What was measured, e.g. "parser throughput (net/http, go1.26)". */
  name: string;
  value: number;
  unit: string;
  /** The figure the issue asks for, in words, e.g. "≥ 100 MB/s". */
  target: string;
  /** Whether the measured value meets the target. */
  pass: boolean;
  /** Baseline measured in the same run, context, sample sizes. */
  note?: string;
}
