// Command-line helpers. splitFlags splits a flags string the way the go command splits -gcflags
// (cmd/internal/quoted.Split):
// fields separated by white space, each optionally quoted with ' or " (no escapes inside).

/** The fields of a flags string; throws on an unterminated quote. */
export function splitFlags(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    const q = text[i];
    if (q === '"' || q === "'") {
      const end = text.indexOf(q, i + 1);
      if (end < 0) throw new Error(`unterminated ${q} string`);
      out.push(text.slice(i + 1, end));
      i = end + 1;
      if (i < text.length && !/\s/.test(text[i] as string)) throw new Error('quoted string must be followed by space');
      continue;
    }
    const start = i;
    while (i < text.length && !/\s/.test(text[i] as string)) i++;
    out.push(text.slice(start, i));
  }
  return out;
}

/**
 * Joins `--opt value` into `--opt=value` for options that take a value: node's parseArgs refuses a
 * value that starts with '-', and `--gcflags "-m -l"` is exactly what users type.
 */
export function joinOptionValues(args: readonly string[], valued: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name !== null && valued.includes(name) && i + 1 < args.length) {
      out.push(`${a}=${args[i + 1] as string}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** The build tags of a `--tags` value: comma- or space-separated, as `go build -tags` takes them; undefined stays undefined. */
export function splitTags(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(/[,\s]+/).filter(Boolean);
}
