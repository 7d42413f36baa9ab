// Whether a text is gofmt-clean, asked of the gofmt on PATH (the one that comes with go).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Runs a command with stdin; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runWithInput(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The gofmt of a go command given by path (the one in its directory, as a Go installation has it), else the one on PATH. */
export function gofmtBeside(goBinary: string | undefined): string {
  if (!goBinary || !goBinary.includes(path.sep)) return 'gofmt';
  const beside = path.join(path.dirname(goBinary), process.platform === 'win32' ? 'gofmt.exe' : 'gofmt');
  return existsSync(beside) ? beside : 'gofmt';
}

/** Whether gofmt leaves the text as it is (`gofmt -l` prints nothing for it); false on a syntax error. Rejects when gofmt cannot be run. */
export async function isGofmtClean(text: string, gofmt = 'gofmt'): Promise<boolean> {
  const r = await runWithInput(gofmt, ['-l'], text);
  if (r.code !== 0) return false;
  return r.stdout.trim() === '';
}
