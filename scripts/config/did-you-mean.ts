/**
 * The closest candidate to `word` within a small edit distance, if any. A swapped pair counts
 * as one edit; between equally close candidates the one sharing more characters with `word`
 * wins (`=<` is `<=` with its characters swapped, not `<` with one dropped), then the one
 * with fewer characters `word` lacks (`=` is `==`, not `<=`).
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  let bestScore = [-1, 0];
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const d = distance(lower, other);
    if (d > bestDistance || (d === bestDistance && best === undefined)) continue;
    const score = [sharedCharacters(lower, other), -[...new Set(other)].filter((ch) => !lower.includes(ch)).length];
    if (d < bestDistance || score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
      best = candidate;
      bestDistance = d;
      bestScore = score;
    }
  }
  return best;
}

/** ` Did you mean "x"?` or an empty string, to append to a message or hint. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === undefined ? '' : `did you mean "${best}"?`;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.max(a.length, b.length);
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** How many characters two words have in common, counted with repeats. */
function sharedCharacters(a: string, b: string): number {
  const left = [...a];
  let n = 0;
  for (const ch of b) {
    const i = left.indexOf(ch);
    if (i >= 0) {
      left.splice(i, 1);
      n++;
    }
  }
  return n;
}
