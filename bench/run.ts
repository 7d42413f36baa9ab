// `npm run bench`: runs every bench/*.bench.ts, prints a table and writes bench/results/latest.json.
// Figures go into docs/BENCHMARKS.md with the machine and Go version printed here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchFigure } from './types';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = __dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  const machine = `${os.cpus()[0]?.model ?? 'unknown cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`;
  console.log(`machine: ${machine}\ngo: ${goVersion}\n`);
  const all: Array<BenchFigure & { bench: string }> = [];
  let failed = 0;
  for (const f of files) {
    const mod = (await import(path.join(dir, f))) as { run: () => Promise<BenchFigure[]> };
    console.log(`# ${f}`);
    for (const fig of await mod.run()) {
      all.push({ ...fig, bench: f });
      if (!fig.pass) failed++;
      console.log(`${fig.pass ? 'ok  ' : 'MISS'} ${fig.name}: ${fig.value.toFixed(fig.value < 10 ? 2 : 1)} ${fig.unit} (target ${fig.target})${fig.note ? ` — ${fig.note}` : ''}`);
    }
  }
  mkdirSync(path.join(dir, 'results'), { recursive: true });
  writeFileSync(path.join(dir, 'results', 'latest.json'), JSON.stringify({ machine, goVersion, date: new Date().toISOString(), figures: all }, null, 2));
  console.log(`\n${all.length - failed} met, ${failed} missed`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
