// "Did you mean …?" for mistyped ids: candidates within a small edit distance, or containing the input.
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** up to `limit` candidates nearest to `input`, best first */
export function closeMatches(input: string, candidates: Iterable<string>, limit = 5): string[] {
  const needle = input.toLowerCase();
  const scored: { name: string; d: number }[] = [];
  for (const name of candidates) {
    const lower = name.toLowerCase();
    const tail = lower.slice(lower.indexOf('/') + 1);
    const d = Math.min(editDistance(needle, lower), editDistance(needle, tail));
    const allowed = Math.max(2, Math.floor(needle.length / 3));
    if (d <= allowed || (needle.length >= 3 && lower.includes(needle))) scored.push({ name, d });
  }
  return scored
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))
    .slice(0, limit)
    .map((s) => s.name);
}
