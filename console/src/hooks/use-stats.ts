/** The header's figures: one bounded read at start-up, then kept current from live results. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Api, Image } from '../api';
import { computeStats, readSummaries, type ImageSummary } from '../stats';

export const useStats = (api: Api) => {
  const [summaries, setSummaries] = useState(new Map<string, ImageSummary>());
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string>();

  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    readSummaries(api).then(
      (read) => {
        // Live results that arrived during the read are at least as new as what it saw.
        setSummaries((live) => new Map([...read.summaries, ...live]));
        setTruncated(read.truncated);
        setError(undefined);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [api, generation]);

  /** Read again, for when live results may have been missed (a dropped connection). */
  const refresh = useCallback(() => setGeneration((current) => current + 1), []);

  const record = useCallback((image: Image) => setSummaries((current) => new Map(current).set(image.id, image)), []);
  const stats = useMemo(() => computeStats(summaries.values(), truncated), [summaries, truncated]);
  return { stats, error, record, refresh };
};
