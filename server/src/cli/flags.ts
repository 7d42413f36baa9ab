// Splits a flags string the way the go command splits -gcflags (cmd/internal/quoted.Split):
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
