// How wide the terminal table may be: the terminal's own width on a TTY; piped or redirected, the COLUMNS the
// shell exports (as ls and git do), else 100 — wide enough for the essential columns, narrow enough for a CI log.
export const DEFAULT_WIDTH = 100;

export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WIDTH;
}

/** `text` cut to `width` characters, the last one an ellipsis when anything was cut */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : chars.slice(0, width - 1).join('') + '…';
}

/** `text` broken into lines of at most `width` characters, at spaces where it can */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if ([...candidate].length <= width) { line = candidate; continue; }
    if (line !== '') lines.push(line);
    let rest = [...word];
    while (rest.length > width) { lines.push(rest.slice(0, width).join('')); rest = rest.slice(width); }
    line = rest.join('');
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** a short, distinct form of each label no wider than `width`: unchanged when it fits, else cut with an ellipsis,
 *  and numbered (`kvm:mmu…2`) when two labels would cut to the same text */
export function abbreviate(labels: readonly string[], width: number): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set(labels.filter((l) => [...l].length <= width));
  for (const label of labels) {
    if (taken.has(label)) { out.set(label, label); continue; }
    let short = truncate(label, width);
    for (let n = 2; taken.has(short); n++) short = truncate(label, width - String(n).length) + String(n);
    taken.add(short);
    out.set(label, short);
  }
  return out;
}
