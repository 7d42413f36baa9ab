// The allocation profile the language server uses: which files the settings or the load/clear
// commands name, their loading in a worker thread, watching them for changes, and the loaded
// profile mapped onto the workspace module. When the profile in use changes the session re-joins
// every package's findings (ProfileContext.changed); nothing here recompiles.
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { findModule } from '../engine/module';
import type { Finding } from '../engine/types';
import { joinProfile } from '../pipeline/index';
import { checkProfileMapsOntoModule, profileWarnings, ProfileError, type MappedLine, type MappedProfile } from '../profile';
import type { SeverityThresholds } from '../protocol';
import { loadMappedProfileInWorker, profileWorkerScript } from '../profile/load';
import type { CostSection } from './hover';
import { costMarkdown, hasCostSection, linesByPosition, moduleGoFiles, profileStatus, resolveProfilePaths, topSites } from './profiles';
import type { HeapscopeSettings, ProfileStatus, TopAllocationSitesResult } from '../protocol';

/** A loaded allocation profile, mapped onto the workspace module. */
export interface LoadedProfileState {
  files: string[];
  mapped: MappedProfile;
  byLine: Map<string, MappedLine>;
  status: ProfileStatus;
}

/** What the profile state needs from the session. */
export interface ProfileContext {
  /** Where the profile settings come from now (see folders.ts profileSource). */
  source(): { settings: HeapscopeSettings; root: string | null };
  /** The first workspace folder: command-loaded profiles map onto its module. */
  workspaceRoot(): string | null;
  /** The profile in use changed (loaded, replaced or cleared): re-join and re-publish. */
  changed(): void;
  /** A profile cannot be used (what was loaded stays): show it in the status. */
  notUsed(message: string): void;
  log(level: 'info' | 'warn', message: string): void;
  showMessage(level: 'warn', message: string): void;
}

/** The allocation profile in use and its loading. */
export class ProfileState {
  /** The profile in use; null when none. */
  loaded: LoadedProfileState | null = null;
  /** The worker script that decodes profiles (dist/profile-worker.js when bundled). */
  worker = profileWorkerScript();
  /** Settles when the profile load in progress (if any) has been applied or rejected. */
  loading: Promise<void> = Promise.resolve();
  /** Files given by "Load Allocation Profile…" (used instead of the setting); [] after "Clear Profile". */
  private commandProfiles: string[] | null = null;
  /** What the last load was asked for (files and sample type), to reload only on change. */
  private requestKey = '';
  private generation = 0;
  private watchers: FSWatcher[] = [];
  private reloadTimer: NodeJS.Timeout | null = null;
  private readonly shownMessages = new Set<string>();
  private disposed = false;

  constructor(private readonly ctx: ProfileContext) {}

  /**
   * The profile files in use. An untrusted workspace's settings name none: a cloned repository's
   * settings must not make the server read a file of its choosing (a FIFO, /dev/zero). Files the
   * user picks with the load command are still read.
   */
  private files(): string[] {
    const src = this.ctx.source();
    if (this.commandProfiles) return this.commandProfiles;
    return src.settings.trusted ? resolveProfilePaths(src.settings.profiles, src.root) : [];
  }

  private currentRequestKey(): string {
    const { settings } = this.ctx.source();
    return JSON.stringify([this.files(), settings.profileSampleType, settings.maxProfileSizeMb]);
  }

  /** Returns whether the settings now ask for other profile files or options than the last load did. */
  requestChanged(): boolean {
    return this.currentRequestKey() !== this.requestKey;
  }

  /** heapscope.loadProfile: use these profile files (absolute paths) instead of the setting. */
  async loadCommand(files: string[]): Promise<void> {
    this.commandProfiles = files;
    await this.reload('loaded by command');
  }

  /** heapscope.clearProfile: stop using profiles until the setting changes or one is loaded. */
  async clearCommand(): Promise<void> {
    this.commandProfiles = [];
    await this.reload('cleared');
  }

  /** Returns findings with the loaded profile's costs and severities, plus the package's hot lines without a finding. */
  join(raw: Finding[], dir: string, thresholds: SeverityThresholds): Finding[] {
    return this.loaded ? joinProfile(raw, this.loaded.mapped, { thresholds, scopeDir: dir }) : raw;
  }

  /** Returns the hover's cost section with a profile loaded, else undefined (the hover then shows the finding's own cost). */
  cost(): CostSection | undefined {
    const profile = this.loaded;
    if (!profile) return undefined;
    return (f) => (hasCostSection(f.alloc) ? costMarkdown(f.alloc, profile.mapped.sampleType, profile.byLine.get(`${f.file}:${f.line}`)?.paths ?? []) : null);
  }

  /** heapscope/topAllocationSites: returns the profile's allocating lines by share. */
  topAllocationSites(limit = 50): TopAllocationSitesResult {
    if (!this.loaded) return { sites: [], message: 'No allocation profile is loaded.' };
    return { sites: topSites(this.loaded.mapped, limit), sampleType: this.loaded.mapped.sampleType };
  }

  /** Tells the user about a profile that cannot be used: log, status, and one message per text; what was loaded stays. */
  private problem(message: string): void {
    this.ctx.log('warn', `profile: ${message}`);
    if (!this.shownMessages.has(message)) {
      this.shownMessages.add(message);
      this.ctx.showMessage('warn', `Heapscope: ${message}. The previous results stay in use.`);
    }
    this.ctx.notUsed(message);
  }

  /** Loads (or clears) the profiles named now, in a worker thread; on failure keeps what was loaded. */
  reload(reason: string): Promise<void> {
    const run = this.reloadNow(reason).catch((e: unknown) => this.problem(e instanceof Error ? e.message : String(e)));
    this.loading = run;
    return run;
  }

  private async reloadNow(reason: string): Promise<void> {
    const files = this.files();
    const src = this.ctx.source();
    const sampleType = src.settings.profileSampleType;
    this.requestKey = this.currentRequestKey();
    const gen = ++this.generation;
    this.watch();
    if (files.length === 0) {
      if (this.loaded) {
        this.loaded = null;
        this.ctx.log('info', `profile: none in use (${reason})`);
        this.ctx.changed();
      }
      return;
    }
    // Command-loaded profiles map onto the first folder's module, configured ones onto their folder's.
    const root = (this.commandProfiles ? this.ctx.workspaceRoot() : src.root) ?? path.dirname(files[0]!);
    const mod = await findModule(root, { ...process.env, ...src.settings.env });
    if (!mod) throw new Error(`the workspace ${root} is not inside a Go module, so profiles cannot be placed on its files`);
    const module = { root: mod.root, modulePath: mod.modulePath, files: moduleGoFiles(mod.root) };
    const t0 = Date.now();
    let loaded;
    try {
      loaded = await loadMappedProfileInWorker(files, { sampleType, maxBytes: src.settings.maxProfileSizeMb * 1024 * 1024 }, module, this.worker);
    } catch (e) {
      if (gen !== this.generation || this.disposed) return;
      throw e instanceof ProfileError ? new Error(e.message) : e;
    }
    if (gen !== this.generation || this.disposed) return;
    const mapped = loaded.mapped;
    // The same rule as the CLI's: a profile of another program is refused, not shown as all hints.
    checkProfileMapsOntoModule(mapped, files, mod.modulePath || mod.root);
    for (const w of profileWarnings(mapped)) this.ctx.log('warn', `profile: ${w}`);
    this.loaded = { files, mapped, byLine: linesByPosition(mapped), status: profileStatus(files, mapped) };
    this.ctx.log('info', `profile: ${this.loaded.status.text}; loaded in ${Date.now() - t0} ms (${reason})`);
    this.ctx.changed();
  }

  /** Watches the directories of the profile files and patterns; a change reloads (debounced, as go test writes in steps). */
  private watch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.disposed) return;
    const src = this.ctx.source();
    const configured = src.settings.trusted ? src.settings.profiles : [];
    const named = this.commandProfiles ?? configured.map((p) => path.resolve(src.root ?? process.cwd(), p));
    const dirs = new Set(named.map((p) => path.dirname(p)));
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name && !named.some((p) => path.dirname(p) === dir && (path.basename(p) === String(name) || /[*?]/.test(path.basename(p))))) return;
          if (this.reloadTimer) clearTimeout(this.reloadTimer);
          this.reloadTimer = setTimeout(() => {
            this.reloadTimer = null;
            void this.reload('profile file changed');
          }, 300);
        });
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // A directory that does not exist yet: the setting will name it again when it does.
      }
    }
  }

  /** Stops watching; a load still in progress is dropped when it ends. */
  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers) w.close();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
  }
}
