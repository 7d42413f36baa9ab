// Counts what the mapping gets wrong on a real module: reads the JSON of `heapscope check --json`
// and the source at each finding's range, and prints the findings whose range is punctuation
// only, that say "this `append`" over a range without `append`, or that repeat another finding
// (same file, range and kind, and the same message or the same compiler line at one position). With --sample N it also prints N random findings with their
// range text, to be read by eye.
//
//   node dist/cli.js check --json ./... > /tmp/m.json   (in the module)
//   node --import tsx scripts/realcheck-ranges.ts /tmp/m.json [--sample 20] [--seed 1] [--list]
//
// Exit status 1 when any count is not zero.
import { readFileSync } from 'node:fs';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: string;
  message: string;
  compiler: { line: number; column: number; message: string } | null;
}

const PUNCTUATION_ONLY = /^[\p{P}\p{S}]+$/u;
// Whole literals may be punctuation only and still be the right range: `""`, `"/"`, an elided `{}`.
const WHOLE_LITERAL = /^(?:"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)+'|\{\s*\})$/u;

const sources = new Map<string, Buffer | null>();

/** The bytes of a file, or null when it cannot be read. */
function source(file: string): Buffer | null {
  let b = sources.get(file);
  if (b === undefined) {
    try {
      b = readFileSync(file);
    } catch {
      b = null;
    }
    sources.set(file, b);
  }
  return b;
}

/** The source text a finding's range covers (1-based lines and byte columns, end exclusive); null when the file cannot be read. */
export function rangeText(f: JsonFinding): string | null {
  const bytes = source(f.file);
  if (!bytes) return null;
  const starts = [0];
  for (let i = bytes.indexOf(10); i !== -1 && starts.length <= f.endLine; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  const at = (line: number, column: number): number => (starts[line - 1] ?? bytes.length) + column - 1;
  return bytes.subarray(at(f.line, f.column), at(f.endLine, f.endColumn)).toString('utf8');
}

/** The problems of one run's findings, by name, each a list of findings with their range text. */
export function rangeProblems(findings: readonly JsonFinding[]): Record<'punctuation' | 'append' | 'duplicate', Array<{ f: JsonFinding; text: string }>> {
  const out = { punctuation: [] as Array<{ f: JsonFinding; text: string }>, append: [] as Array<{ f: JsonFinding; text: string }>, duplicate: [] as Array<{ f: JsonFinding; text: string }> };
  const seen = new Set<string>();
  for (const f of findings) {
    const text = rangeText(f);
    if (text === null) continue;
    if (PUNCTUATION_ONLY.test(text.trim() || text) && !WHOLE_LITERAL.test(text)) out.punctuation.push({ f, text });
    if (/\bappend\b/.test(f.message) && /this `append`/.test(f.message) && !/\bappend\b/.test(text)) out.append.push({ f, text });
    const key = `${f.file}|${f.line}:${f.column}-${f.endLine}:${f.endColumn}|${f.kind}|${f.message}`;
    // The same compiler line at the same position too: copies' messages can differ by their explanations.
    const line = f.compiler ? `${f.file}|${f.line}:${f.column}-${f.endLine}:${f.endColumn}|${f.kind}|${f.compiler.line}:${f.compiler.column}|${f.compiler.message}` : key;
    if (seen.has(key) || seen.has(line)) out.duplicate.push({ f, text });
    seen.add(key);
    seen.add(line);
  }
  return out;
}

function main(argv: string[]): number {
  const files = argv.filter((a, i) => !a.startsWith('--') && !/^--(sample|seed)$/.test(argv[i - 1] ?? ''));
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sample = Number(opt('--sample') ?? 0);
  let seed = Number(opt('--seed') ?? 1);
  const random = (): number => {
    // mulberry32: a fixed seed gives the same sample on every run.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let bad = 0;
  for (const file of files) {
    const findings = (JSON.parse(readFileSync(file, 'utf8')) as { diagnostics: JsonFinding[] }).diagnostics;
    const p = rangeProblems(findings);
    const counts = Object.entries(p).map(([k, v]) => `${k} ${v.length}`);
    console.log(`${file}: ${findings.length} findings; ${counts.join(', ')}`);
    for (const [k, v] of Object.entries(p)) {
      bad += v.length;
      if (argv.includes('--list')) for (const { f, text } of v) console.log(`  ${k}: ${f.file}:${f.line}:${f.column} ${f.kind} ${JSON.stringify(text)} — ${f.message}`);
    }
    for (let i = 0; i < sample && findings.length > 0; i++) {
      const f = findings[Math.floor(random() * findings.length)]!;
      console.log(`  sample: ${f.file}:${f.line}:${f.column} ${f.kind} ${JSON.stringify(rangeText(f))} — ${f.message}  [${f.compiler?.message ?? ''}]`);
    }
  }
  return bad > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
