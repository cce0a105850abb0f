// The summary statistic the benchmarks share, defined once: the Node scripts
// import it, and the bench page (bench/web-bench.js, served from the
// repository root) imports it as /scripts/stats.mjs.

/** The median of numbers: the middle one, or the mean of the two middle ones for an even count; NaN when empty. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
