/** The Insights chart's place on the page; Chart.js itself arrives in its own chunk (chart/stats-chart.ts). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StatsBucket, StatsGranularity } from '../api';
import type { StatsChart as Drawing } from '../chart/stats-chart';

interface StatsChartProps {
  buckets: readonly StatsBucket[];
  granularity: StatsGranularity;
  /** Tells assistive technology what the picture shows; the figures are in the table beside it. */
  label: string;
}

export const StatsChart = ({ buckets, granularity, label }: StatsChartProps) => {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawing, setDrawing] = useState<Drawing>();
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    let created: Drawing | undefined;
    let unmounted = false;
    import('../chart/stats-chart').then(
      ({ createStatsChart }) => {
        if (unmounted || !canvas.current) return;
        created = createStatsChart(canvas.current);
        setDrawing(created);
      },
      (error: Error) => setLoadError(error.message),
    );
    return () => {
      unmounted = true;
      created?.destroy();
    };
  }, []);

  useEffect(() => {
    // The total the bars show, for anyone (the browser test) checking the picture against the table.
    if (drawing && canvas.current) canvas.current.dataset.total = String(drawing.show(buckets, granularity));
  }, [drawing, buckets, granularity]);

  return (
    <div class="chart-frame">
      <canvas ref={canvas} role="img" aria-label={label} />
      {loadError && <p class="error small">The chart could not load ({loadError}); the table has its figures.</p>}
    </div>
  );
};
