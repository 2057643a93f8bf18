/**
 * The Insights figures: imageStats for the chosen range, read again shortly after results arrive.
 *
 * Live results trigger a debounced re-read rather than a local increment. The server counts each image
 * exactly once and does so before it publishes the result (docs/statistics.md), so a re-read after a
 * publish is exact. An increment would have to dedupe the same result arriving several times (page-wide
 * and per-upload subscriptions, re-reads after acks) and know which bucket of the shown range it falls in;
 * the re-read costs one Query (a year of days fits one page) per burst of results.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type Image, type StatsBucket } from '../api';
import { DEFAULT_RANGE_DAYS, lastDays, toStatsQuery, totalsOf, type GranularityChoice, type StatsQuery, type StatsRange } from '../stats';
import { isFinal } from '../watch-image';

/** A burst of results (a batch upload) becomes one read: after this quiet time... */
export const LIVE_REREAD_QUIET_MS = 400;
/** ...or after this long at most, so a steady stream of results still moves the chart. */
export const LIVE_REREAD_MAX_WAIT_MS = 2000;

interface StatsState {
  buckets: StatsBucket[];
  /** The call these buckets answer (its granularity labels the chart). */
  query?: StatsQuery;
  loading: boolean;
  error?: string;
}

const describe = (error: unknown): string =>
  error instanceof ApiError ? `${error.errorType}: ${error.message}` : error instanceof Error ? error.message : String(error);

export const useImageStats = (api: Api) => {
  // Unset: the last DEFAULT_RANGE_DAYS days, recomputed at each read, so an open page follows midnight (UTC).
  const [chosenRange, setRange] = useState<StatsRange>();
  const [granularity, setGranularity] = useState<GranularityChoice>('AUTO');
  const [state, setState] = useState<StatsState>({ buckets: [], loading: true });
  const range = chosenRange ?? lastDays(DEFAULT_RANGE_DAYS);

  // A slow answer for an older range must not overwrite a newer one.
  const generation = useRef(0);
  const read = useCallback(async () => {
    const query = toStatsQuery(chosenRange ?? lastDays(DEFAULT_RANGE_DAYS), granularity);
    const mine = ++generation.current;
    setState((current) => ({ ...current, loading: true }));
    try {
      const buckets = await api.imageStats(query.from, query.to, query.granularity);
      if (mine === generation.current) setState({ buckets, query, loading: false });
    } catch (error) {
      if (mine === generation.current) setState({ buckets: [], query, loading: false, error: describe(error) });
    }
  }, [api, chosenRange, granularity]);

  const readRef = useRef(read);
  readRef.current = read;
  useEffect(() => void read(), [read]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const firstWaiting = useRef<number | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  /** Read again now, for when live results may have been missed (a dropped connection). */
  const refresh = useCallback(() => {
    clearTimeout(timer.current);
    firstWaiting.current = undefined;
    void readRef.current();
  }, []);

  /** A live result: only a final status changes the counts. */
  const record = useCallback((image: Pick<Image, 'status'>) => {
    if (!isFinal(image)) return;
    const now = Date.now();
    firstWaiting.current ??= now;
    clearTimeout(timer.current);
    const wait = Math.max(0, Math.min(LIVE_REREAD_QUIET_MS, firstWaiting.current + LIVE_REREAD_MAX_WAIT_MS - now));
    timer.current = setTimeout(() => {
      firstWaiting.current = undefined;
      void readRef.current();
    }, wait);
  }, []);

  const totals = useMemo(() => totalsOf(state.buckets), [state.buckets]);
  return { ...state, range, granularity, totals, setRange, setGranularity, record, refresh };
};

export type ImageStatsView = ReturnType<typeof useImageStats>;
