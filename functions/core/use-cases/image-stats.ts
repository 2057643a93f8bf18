/**
 * Statistics use cases: counting the final statuses of a DetectionLogs stream batch (stream-publisher),
 * and answering Query.imageStats (image-reader).
 */
import type { CallerScope } from '../caller-scope';
import type { ImageRecord } from '../domain';
import { counterKeysOf, countsOf, fillBuckets, planStatsRange, statsScopeFor, type StatsBucket, type StatsGranularity } from '../image-stats';
import type { StatsStore } from '../ports';
import { isFinalTransition, type RecordChange } from './publish-classified';

/**
 * Counts every image whose final status is in this batch, once. The batch is counted as a whole (one
 * increment per counter, not per image) before anything is published, so a subscriber that re-reads
 * imageStats on an event sees it counted, and a redelivered batch changes nothing (StatsStore.countOnce).
 */
export const countFinalStatuses = async (deps: { stats: StatsStore }, changes: readonly RecordChange[]): Promise<number> => {
  const finals = new Map<string, ImageRecord>();
  for (const change of changes) if (isFinalTransition(change)) finals.set(change.newRecord.id, change.newRecord);
  if (finals.size === 0) return 0;
  return deps.stats.countOnce([...finals.values()].map((r) => ({ id: r.id, counters: counterKeysOf(r), counts: countsOf(r) })));
};

export interface ImageStatsArgs {
  from: string;
  to: string;
  granularity?: StatsGranularity | null;
}

export const readImageStats = async (deps: { stats: StatsStore }, scope: CallerScope, args: ImageStatsArgs): Promise<StatsBucket[]> => {
  const range = planStatsRange(statsScopeFor(scope), args.from, args.to, args.granularity);
  return fillBuckets(range, await deps.stats.read(range));
};
