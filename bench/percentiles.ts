/** Nearest-rank percentiles of latency samples, for the benches that print them. */

/** The p-th percentile (nearest rank) of samples sorted ascending; NaN when there are none. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

export interface LatencySummary {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
}

export const summarise = (times: readonly number[]): LatencySummary => {
  const sorted = [...times].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
};

export const describeLatency = (times: readonly number[], digits = 3): string => {
  const s = summarise(times);
  return `p50 ${s.p50.toFixed(digits)} ms, p90 ${s.p90.toFixed(digits)} ms, p99 ${s.p99.toFixed(digits)} ms (${s.samples} samples)`;
};
