// Levenshtein distance, for "did you mean …?" on misspelt keys, field names and rep emails.

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The candidate nearest to a misspelt name (compared without regard to case), when one is close enough
 * to be the name meant: at most a third of its length away, and never more than two edits for a short
 * name. Undefined when none is. The one rule for every "did you mean …?". `ownLength` is how much of the
 * name is its own where the rest is shared by every candidate (an email's domain): two people of one
 * company differ only in the part before the @, and a budget grown by the domain's length took
 * margot.lambert@ for a misspelt jordan.miller@.
 */
export function nearestName(candidates: Iterable<string>, typo: string, ownLength = typo.length): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(ownLength / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(candidate.toLowerCase(), typo.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
