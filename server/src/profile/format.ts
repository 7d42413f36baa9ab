// Sizes, counts and shares as the hover, the CLI and the status bar show them. No imports, so the
// VS Code client can use it without bundling the profile decoder.

/** Returns a byte size as pprof-like units with 1024 steps, e.g. `2.3 MB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(Math.round(v)) : v.toFixed(1)} ${units[i]}`;
}

/** Returns a count with K/M/G steps of 1000, e.g. `14.1 K`, `812`. */
export function formatCount(n: number): string {
  const units = ['', ' K', ' M', ' G', ' T'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? String(Math.round(v)) : `${v.toFixed(1)}${units[i]}`;
}

/** Returns a share 0..1 as a percentage with sensible precision, e.g. `23%`, `2.3%`, `0.042%`. */
export function formatShare(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  if (p >= 10) return `${Math.round(p)}%`;
  if (p >= 1) return `${p.toFixed(1)}%`;
  return `${Number(p.toPrecision(2))}%`;
}
