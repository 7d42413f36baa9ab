// What the status bar item shows for each server state. Pure, so every state's text is tested
// without VS Code; extension.ts copies the fields onto a StatusBarItem.
import { formatBytes, type StatusParams } from '../../server/src/protocol';

/** The status bar item's content. */
export interface StatusView {
  /** Text with codicons, e.g. `$(sync~spin) Heapscope`. */
  text: string;
  /** Hover text: the state in a sentence and what a click does. */
  tooltip: string;
  /** Background: only states the user must act on (no `go`) get a warning colour. */
  background: 'none' | 'warning' | 'error';
}

const CLICK = 'Click to show the Heapscope log.';

/** Returns "1 heap allocation" / "3 heap allocations". */
export function heapAllocationsText(n: number): string {
  return `${n} heap allocation${n === 1 ? '' : 's'}`;
}

function tip(sentence: string, status: StatusParams | null): string {
  const extra = status?.message && status.message !== sentence ? `\n\n${status.message}` : '';
  return `Heapscope: ${sentence}${extra}\n\n${CLICK}`;
}

/** Returns what the status bar shows for the last `heapscope/status`, with the loaded profile's total when one is loaded. */
export function statusView(status: StatusParams | null): StatusView {
  const view = baseStatusView(status);
  const profile = status?.profile;
  if (!profile) return view;
  const total = profile.sampleType.endsWith('_space') ? formatBytes(profile.total.bytes) : `${profile.total.objects} objects`;
  return {
    ...view,
    text: `${view.text} $(graph) ${total}`,
    tooltip: view.tooltip.replace(`\n\n${CLICK}`, `\n\nProfile: ${profile.text}\n\n${CLICK}`),
  };
}

function baseStatusView(status: StatusParams | null): StatusView {
  if (status === null) return { text: '$(loading~spin) Heapscope', tooltip: tip('starting the language server', null), background: 'none' };
  const pkg = status.package ? ` in ${status.package}` : '';
  switch (status.state) {
    case 'idle':
      return { text: '$(flame) Heapscope', tooltip: tip('open a Go file of a module to analyse its package', status), background: 'none' };
    case 'analysing':
      return { text: '$(sync~spin) Heapscope', tooltip: tip(`analysing${pkg}…`, status), background: 'none' };
    case 'ok':
      return {
        text: `$(flame) ${status.heapAllocations}`,
        tooltip: tip(`${heapAllocationsText(status.heapAllocations)}${pkg}`, status),
        background: 'none',
      };
    case 'compileError':
      return { text: '$(error) Heapscope', tooltip: tip(`the package${pkg} does not compile; see the Problems panel`, status), background: 'none' };
    case 'stale':
      return {
        text: `$(history) ${status.heapAllocations}`,
        tooltip: tip(`results${pkg} are from the last compile that succeeded (the current code does not compile)`, status),
        background: 'none',
      };
    case 'untrusted':
      return {
        text: '$(shield) Heapscope',
        tooltip: tip('restricted mode: the workspace is not trusted, so Heapscope does not run `go` (which runs the toolchain the workspace selects). Trust the workspace to analyse.', status),
        background: 'none',
      };
    case 'noGo':
      return { text: '$(warning) Heapscope: no go', tooltip: tip('the `go` command was not found; install Go or set `heapscope.goPath`', status), background: 'warning' };
    case 'notInModule':
      return { text: '$(circle-slash) Heapscope', tooltip: tip('this file is in no Go module (no go.mod or go.work above it)', status), background: 'none' };
    default:
      return { text: '$(flame) Heapscope', tooltip: tip(String((status as { state: unknown }).state), status), background: 'none' };
  }
}

/** Returns what the status bar shows once the server has stopped for good (crash budget spent). */
export function serverStoppedView(reason: string): StatusView {
  return {
    text: '$(error) Heapscope',
    tooltip: `Heapscope: the language server stopped: ${reason}\nRun "Heapscope: Restart Server" to start it again.\n\n${CLICK}`,
    background: 'error',
  };
}
