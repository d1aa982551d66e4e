// The one compaction of a run's curve (live views, resumed history, the run store): the newest half
// stays at full resolution, the older part is cut into stretches of equal length and each stretch
// keeps the points with its lowest and its highest value. Spikes and dips survive any number of
// compactions (an average would smooth them away), and kept points are real points, never blends.

/** At most `max` of `items` (in order), keeping the extremes of `value` in every older stretch. */
export function compactKeepingExtremes<T>(
  items: readonly T[],
  max: number,
  value: (t: T) => number | null | undefined,
): T[] {
  if (items.length <= max) return items.slice();
  const keepRecent = Math.max(1, Math.floor(max / 2));
  const old = items.length - keepRecent;
  const stretches = Math.max(1, Math.floor((max - keepRecent) / 2));
  const out: T[] = [];
  for (let b = 0; b < stretches; b++) {
    const i0 = Math.floor((b * old) / stretches);
    const i1 = Math.floor(((b + 1) * old) / stretches);
    if (i1 <= i0) continue;
    let lo = -1,
      hi = -1;
    for (let i = i0; i < i1; i++) {
      const v = value(items[i]);
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (lo < 0 || v < (value(items[lo]) as number)) lo = i;
      if (hi < 0 || v > (value(items[hi]) as number)) hi = i;
    }
    // A stretch with no values keeps its last item, so the x axis still covers it.
    const keep = lo < 0 ? [i1 - 1] : lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)];
    for (const i of keep) out.push(items[i]);
  }
  for (let i = old; i < items.length; i++) out.push(items[i]);
  return out;
}
