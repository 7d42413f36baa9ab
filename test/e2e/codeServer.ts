// Everything the real-VS-Code tier needs from the machine: Debian packages, code-server installed
// into a cache directory (the recipe in NOTES.md that works offline apart from the npm registry),
// installing a .vsix, and starting code-server on a free port. Plain functions; the test drives them.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** code-server 4.99.4 is VS Code 1.99.3, the last release that runs on Node 20. */
export const CODE_SERVER_VERSION = '4.99.4';

/** @vscode/ripgrep version pinned by code-server 4.99.4's lib/vscode/npm-shrinkwrap.json. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
/** The ripgrep release that @vscode/ripgrep 1.15.11 downloads. */
const RIPGREP_RELEASE = 'v13.0.0-10';

/** Debian packages the tier needs: the browser, ripgrep (served to code-server's install), unzip (to list the .vsix), and the headers its native modules build against. */
export const APT_PACKAGES = ['chromium', 'ripgrep', 'unzip', 'libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev'] as const;

/** Returns the cache directory for the tier (HEAPSCOPE_E2E_CACHE, else ~/.cache/heapscope-e2e). */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return process.env.HEAPSCOPE_E2E_CACHE || path.join(base, 'heapscope-e2e');
}

/** Returns the Debian packages of `wanted` that dpkg does not list as installed. */
export function missingAptPackages(wanted: readonly string[] = APT_PACKAGES): string[] {
  return wanted.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** Installs the missing Debian packages with apt-get (root only); throws with the list otherwise. */
export function ensureAptPackages(log: (line: string) => void): void {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the e2e tier needs these Debian packages: apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/** Returns the path of Debian's chromium (what `command -v chromium` prints). */
export function chromiumPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  if (r.status !== 0 || p === '') throw new Error('chromium is not on PATH (Debian package `chromium`)');
  return p;
}

/** The ripgrep target triple @vscode/ripgrep downloads for this machine. */
function ripgrepTarget(): string {
  if (process.arch === 'x64') return 'x86_64-unknown-linux-musl';
  if (process.arch === 'arm64') return 'aarch64-unknown-linux-musl';
  throw new Error(`no ripgrep target for ${process.arch}`);
}

/**
 * Installs code-server into `<cache>/code-server-<version>` unless it is there already, and returns
 * the path of its launcher. @vscode/ripgrep's install script would download rg from GitHub: it
 * first looks in `$TMPDIR/vscode-ripgrep-cache-<version>/`, so Debian's rg is put there as the
 * tarball it expects.
 */
export function ensureCodeServer(log: (line: string) => void, cache = cacheDir()): string {
  const prefix = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const bin = path.join(prefix, 'node_modules', '.bin', 'code-server');
  const marker = path.join(prefix, '.installed');
  if (existsSync(marker) && existsSync(bin)) return bin;
  const tmp = path.join(cache, 'tmp');
  const rgCache = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  mkdirSync(rgCache, { recursive: true });
  mkdirSync(prefix, { recursive: true });
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (rg === '') throw new Error('rg is not on PATH (Debian package `ripgrep`)');
  execFileSync('tar', ['-czf', path.join(rgCache, `ripgrep-${RIPGREP_RELEASE}-${ripgrepTarget()}.tar.gz`), '-C', path.dirname(rg), path.basename(rg)]);
  log(`installing code-server@${CODE_SERVER_VERSION} into ${prefix} (once; a few minutes)`);
  const started = Date.now();
  execFileSync('npm', ['install', '--prefix', prefix, '--unsafe-perm', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_yes: 'true', TMPDIR: tmp },
    timeout: 20 * 60 * 1000,
  });
  if (!existsSync(bin)) throw new Error(`code-server installed but ${bin} is missing`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return bin;
}

/** Directories of one code-server profile: its user data (settings) and its extensions. */
export interface CodeServerDirs {
  userDataDir: string;
  extensionsDir: string;
}

/** Writes the user settings.json of a profile (VS Code reads `<user-data-dir>/User/settings.json`). */
export function writeUserSettings(dirs: CodeServerDirs, settings: Record<string, unknown>): void {
  mkdirSync(path.join(dirs.userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Installs a .vsix into the profile's extensions dir; returns code-server's output. */
export function installExtension(bin: string, dirs: CodeServerDirs, vsix: string): string {
  return execFileSync(bin, ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr !== null && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A running code-server. */
export interface RunningCodeServer {
  url: string;
  process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts code-server on a free port with `folder` open; resolves once it listens. */
export async function startCodeServer(bin: string, dirs: CodeServerDirs, opts: { extraArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<RunningCodeServer> {
  const port = await freePort();
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
    ...(opts.extraArgs ?? []),
  ];
  // detached: the server and the extension host it spawns form one process group we stop together.
  const child = spawn(bin, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${out}`)), 60_000);
    const check = (): void => {
      if (/HTTP server listening/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.pid === undefined) return resolve();
        child.once('exit', () => resolve());
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          resolve();
        }
      }),
  };
}

/** Writes a `go` wrapper into `dir` that records each invocation in `logFile`, then runs the real go; returns `dir`. */
export function recordingGo(dir: string, logFile: string): string {
  const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  if (realGo === '') throw new Error('go is not on PATH');
  mkdirSync(dir, { recursive: true });
  const script = `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logFile.replace(/'/g, `'\\''`)}'\nexec '${realGo.replace(/'/g, `'\\''`)}' "$@"\n`;
  writeFileSync(path.join(dir, 'go'), script, { mode: 0o755 });
  return dir;
}

/** Returns the lines recorded by a recordingGo wrapper ('' when go never ran). */
export function recordedGoCalls(logFile: string): string[] {
  return existsSync(logFile)
    ? readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
}
