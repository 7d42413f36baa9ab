import type { Readable } from 'node:stream';
// The go processes: each runs in its own process group (under a parent-death signal on Linux), a
// cancelled or timed-out run has its whole process tree stopped, and a process-wide queue limits
// how many compiler runs execute at once.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, promises as fs, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The go binary could not be started. */
export class GoNotFoundError extends Error {
  constructor(readonly goBinary: string) {
    super(
      `Go not found: could not run "${goBinary}"` +
        (goBinary.includes('/') || goBinary.includes('\\') ? '' : ' (looked up on PATH)') +
        '. Install Go (https://go.dev/dl) or set the path of the go command (the goBinary option).',
    );
    this.name = 'GoNotFoundError';
  }
}

/** go printed more than the limit on stdout and stderr together; it was stopped. */
export class GoOutputTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(
      `go printed more than ${formatMiB(limitBytes)} MiB of compiler output; it was stopped. ` +
        'Analyse fewer packages at a time, or use compiler flags that print less (-m=2 is the default; -m=3 and -d flags print far more).',
    );
    this.name = 'GoOutputTooLargeError';
  }
}

function formatMiB(bytes: number): string {
  return String(Math.round((bytes / (1024 * 1024)) * 100) / 100);
}

/**
 * How much of go's output one run keeps by default (stdout and stderr together). The compiler's
 * -m=2 text for the whole standard library is about 60 MiB; a JavaScript string cannot exceed
 * 512 Mi characters, and the parse needs several times the text's size.
 */
export const MAX_GO_OUTPUT_BYTES = 256 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Concurrency

let maxConcurrentRuns = 2;
let activeRuns = 0;
const queue: Array<() => void> = [];

/** Sets how many compiler runs may execute at once (default 2); queued runs start as slots free up. */
export function setMaxConcurrentRuns(n: number): void {
  maxConcurrentRuns = Math.max(1, Math.floor(n));
  pumpQueue();
}

function pumpQueue(): void {
  while (activeRuns < maxConcurrentRuns && queue.length > 0) {
    activeRuns++;
    (queue.shift() as () => void)();
  }
}

/** Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
export function acquireSlot(signal: AbortSignal | undefined): Promise<() => void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      activeRuns--;
      pumpQueue();
    };
    const start = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(release);
    };
    const onAbort = (): void => {
      const i = queue.indexOf(start);
      if (i >= 0) queue.splice(i, 1);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    queue.push(start);
    pumpQueue();
  });
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Process groups still running, killed if this process exits so no compiler outlives us. */
const liveGroups = new Set<number>();
/** Temporary directories of runs in progress, removed if this process exits first. */
const liveTempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' also runs after an uncaught exception and on process.exit() from a signal handler
  // (the CLI's), but not on SIGKILL: then only the parent-death signal stops go.
  process.on('exit', killAllAndRemoveTempDirs);
}

/**
 * Kills every go process group still running and removes the runs' temporary directories, at
 * once and synchronously: for a process about to exit (a signal, a crash), which cannot wait for
 * the runs to unwind. Installed as an 'exit' handler; the CLI's signal handlers exit through it.
 */
export function killAllAndRemoveTempDirs(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  for (const dir of liveTempDirs) {
    try {
      // A go process killed a moment ago may still be writing: retry on ENOTEMPTY and EBUSY.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch {
      // Left behind: nothing more can be done while exiting.
    }
  }
  liveTempDirs.clear();
}

/** Registers a run's temporary directory, removed by killAllAndRemoveTempDirs if still there. */
export function trackTempDir(dir: string): void {
  installExitHook();
  liveTempDirs.add(dir);
}

/** The run removed its directory itself. */
export function untrackTempDir(dir: string): void {
  liveTempDirs.delete(dir);
}

/** Signals the whole process group (go and its compile/asm children). */
function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    } else {
      process.kill(-pid, sig);
    }
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once no process of the group is left (the kernel gives no event for this, so poll briefly). */
async function groupGone(pid: number): Promise<void> {
  for (let i = 0; i < 400 && groupAlive(pid); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Returns the group's members other than its leader, from /proc (Linux); null elsewhere. */
async function groupChildren(pgid: number): Promise<Array<{ pid: number; zombie: boolean }> | null> {
  if (process.platform !== 'linux') return null;
  const members: Array<{ pid: number; zombie: boolean }> = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === pgid) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) members.push({ pid: Number(entry), zombie: fields[0] === 'Z' });
  }
  return members;
}

function signalProcess(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** How long stopping may take before the whole group gets SIGKILL. */
const STOP_GRACE_MS = 300;

/**
 * Stops go and everything it started. The go command does not handle signals while building, so
 * killing it first would orphan its compile children, which then wait as zombies for init to reap
 * them. So kill the children while go is alive to reap them, and end go only when, frozen with
 * SIGSTOP so it cannot start another, it has none left. SIGKILL the group after a grace anyway.
 */
async function stopGroup(pid: number): Promise<void> {
  const grace = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
  try {
    for (let round = 0; round < 40; round++) {
      signalProcess(pid, 'SIGSTOP');
      const children = await groupChildren(pid);
      if (children === null || children.length === 0) break;
      for (const child of children) if (!child.zombie) signalProcess(child.pid, 'SIGKILL');
      signalProcess(pid, 'SIGCONT');
      await tick();
    }
    killGroup(pid, 'SIGKILL');
  } finally {
    clearTimeout(grace);
  }
}

/** What a go process printed and how it exited. */
export interface GoProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs go in its own process group; on abort kills the whole group and rejects with the signal's
 * reason. Once stdout and stderr together pass maxOutputBytes, stops the group and rejects with
 * GoOutputTooLargeError, so hostile output cannot exhaust memory. With `keepStderr` false, stderr
 * only goes to onStderr (a streaming reader keeps what it needs, and may pause the stream it is
 * given while it catches up) and does not count.
 */
export function runGo(
  goBinary: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  onStderr?: (chunk: string, stderr: Readable) => void,
  onStart?: (pid: number) => void,
  maxOutputBytes = MAX_GO_OUTPUT_BYTES,
  keepStderr = true,
): Promise<GoProcessResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    installExitHook();
    let child: ChildProcess;
    try {
      const [command, commandArgs] = withParentDeathSignal(goBinary, args, env, cwd);
      // go takes an inherited $PWD naming the same directory by another path (through a symlink) as
      // its working directory, and prints paths under it: PWD makes it spell cwd as we do.
      child = spawn(command, commandArgs, { cwd, env: { ...env, PWD: cwd }, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      return reject(spawnError(e, goBinary));
    }
    const pid = child.pid;
    if (pid !== undefined) {
      liveGroups.add(pid);
      onStart?.(pid);
    }
    let stopping: Promise<void> = Promise.resolve();
    let stdout = '';
    let stderr = '';
    // Counted in UTF-16 units, which is what the strings cost; output past the limit is dropped.
    let kept = 0;
    let tooLarge: GoOutputTooLargeError | null = null;
    const keep = (d: string): boolean => {
      if (tooLarge) return false;
      kept += d.length;
      if (kept <= maxOutputBytes) return true;
      tooLarge = new GoOutputTooLargeError(maxOutputBytes);
      stdout = stderr = '';
      if (pid !== undefined) stopping = stopGroup(pid);
      return false;
    };
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (keep(d)) stdout += d;
    });
    const errStream = child.stderr;
    errStream?.setEncoding('utf8').on('data', (d: string) => {
      if (!keepStderr) return onStderr?.(d, errStream);
      if (!keep(d)) return;
      stderr += d;
      onStderr?.(d, errStream);
    });
    const onAbort = (): void => {
      if (pid !== undefined && !tooLarge) stopping = stopGroup(pid);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      if (pid !== undefined) liveGroups.delete(pid);
      reject(spawnError(e, goBinary));
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (pid === undefined) return;
      if (signal.aborted || tooLarge) {
        const reason: unknown = signal.aborted ? signal.reason : tooLarge;
        void stopping
          .then(() => {
            killGroup(pid, 'SIGKILL');
            return groupGone(pid);
          })
          .then(() => {
            liveGroups.delete(pid);
            reject(reason);
          });
        return;
      }
      liveGroups.delete(pid);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const SETPRIV = '/usr/bin/setpriv';
let setprivAvailable: boolean | undefined;

/**
 * On Linux, runs go through util-linux's `setpriv --pdeathsig KILL`, so the kernel kills go when
 * this process dies without a chance to clean up (SIGKILL, a crash): go is in its own process group
 * and would otherwise outlive a killed language server. Its compile children then exit on their own
 * (their output pipes are gone). Only when the go binary is known to exist, so that a missing go is
 * still reported as ENOENT by spawn itself.
 */
export function withParentDeathSignal(goBinary: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): [string, string[]] {
  if (process.platform !== 'linux') return [goBinary, args];
  setprivAvailable ??= existsSync(SETPRIV);
  const resolved = setprivAvailable ? resolveExecutable(goBinary, env.PATH ?? '', cwd) : null;
  return resolved ? [SETPRIV, ['--pdeathsig', 'KILL', '--', resolved, ...args]] : [goBinary, args];
}

/** The executable a command name resolves to on PATH (or the path itself), or null. */
function resolveExecutable(command: string, searchPath: string, cwd: string): string | null {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : searchPath
        .split(':')
        .filter(Boolean)
        .map((d) => path.resolve(cwd, d, command));
  for (const c of candidates) {
    try {
      accessSync(c, fsConstants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // Not here.
    }
  }
  return null;
}

function spawnError(e: unknown, goBinary: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') return new GoNotFoundError(goBinary);
  return e instanceof Error ? e : new Error(String(e));
}

/** This process's environment with `extra` applied (an undefined value removes the variable). */
export function mergeEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
