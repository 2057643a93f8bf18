/** The header's figures: one bounded read at start-up, then kept current from live results. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Api, Image } from '../api';
import { computeStats, readSummaries, type ImageSummary } from '../stats';

export const useStats = (api: Api) => {
  const [summaries, setSummaries] = useState(new Map<string, ImageSummary>());
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    readSummaries(api).then(
      (read) => {
        // Live results that arrived during the read are newer than what it saw.
        setSummaries((live) => new Map([...read.summaries, ...live]));
        setTruncated(read.truncated);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [api]);

  const record = useCallback((image: Image) => setSummaries((current) => new Map(current).set(image.id, image)), []);
  const stats = useMemo(() => computeStats(summaries.values(), truncated), [summaries, truncated]);
  return { stats, error, record };
};
