// How many times the client restarts a crashed server: a budget of restarts within a sliding
// window, like vscode-languageclient's default (5 in 3 minutes), but resettable so a user's
// "Restart Server" command starts afresh.

/** Counts crashes and says whether one more restart fits in the budget. */
export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    private readonly maxRestarts = 5,
    private readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Records a crash at `now` (ms) and returns true when the server should be restarted. */
  recordCrash(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.maxRestarts;
  }

  /** Forgets past crashes (after a manual restart). */
  reset(): void {
    this.crashes = [];
  }
}
