// The "Top Allocation Sites" quick pick: one item per allocating line of the loaded profile, by
// share. Pure, so the texts are tested without VS Code; extension.ts shows them and jumps.
import type { AllocationSite } from '../../server/src/protocol';

/** One quick-pick row and where it jumps. */
export interface AllocationSiteItem {
  label: string;
  description: string;
  detail: string;
  uri: string;
  /** 0-based line. */
  line: number;
}

/** Returns a share 0..1 as a short percentage: `23%`, `2.3%`, `0.04%`. */
export function shareText(share: number): string {
  const p = share * 100;
  if (p >= 10) return `${Math.round(p)}%`;
  if (p >= 1) return `${p.toFixed(1)}%`;
  return `${Number(p.toPrecision(1))}%`;
}

/** Returns the quick-pick items of the sites, in the order given (the server sorts by share). */
export function allocationSiteItems(sites: readonly AllocationSite[]): AllocationSiteItem[] {
  return sites.map((s) => {
    const file = decodeURIComponent(s.uri.slice(s.uri.lastIndexOf('/') + 1));
    const fn = s.function.slice(s.function.lastIndexOf('/') + 1);
    return { label: `$(flame) ${shareText(s.share)}  ${file}:${s.line + 1}`, description: fn, detail: s.label, uri: s.uri, line: s.line };
  });
}
