/**
 * Images per bucket by animal (stacked bars; failed ones stacked on top in their own colour, so a bar's
 * height is the bucket's total) and the uncertain rate as a line on a second axis in percent.
 *
 * Chart.js, with only the pieces this chart uses registered so the rest is tree-shaken. This module is
 * loaded with import() by components/StatsChart.tsx: Chart.js is most of its own chunk and the page's
 * upload and gallery need none of it.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { StatsBucket, StatsGranularity } from '../api';
import { bucketLabel, uncertainPercentOf } from '../stats';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

type Series = ChartDataset<'bar' | 'line', Array<number | null>>;
type StatsChartInstance = Chart<'bar' | 'line', Array<number | null>, string>;

/** The bar series, bottom to top: together they are StatsBucket.total. */
const BARS = [
  { label: 'Cats', count: 'cats', colour: '--cat' },
  { label: 'Dogs', count: 'dogs', colour: '--dog' },
  { label: 'Other', count: 'others', colour: '--other' },
  { label: 'Failed', count: 'failed', colour: '--error' },
] as const;

/** The page's own palette (styles.css), so the chart and the rest of the page agree. */
const cssColour = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const seriesOf = (buckets: readonly StatsBucket[]): Series[] => [
  ...BARS.map(
    (bar): Series => ({
      type: 'bar',
      label: bar.label,
      data: buckets.map((bucket) => bucket[bar.count]),
      backgroundColor: cssColour(bar.colour),
      stack: 'images',
      yAxisID: 'y',
    }),
  ),
  {
    type: 'line',
    label: 'Uncertain rate',
    data: buckets.map(uncertainPercentOf),
    borderColor: cssColour('--uncertain-line'),
    backgroundColor: cssColour('--uncertain-line'),
    borderWidth: 2,
    pointRadius: 2,
    yAxisID: 'rate',
  },
];

/** What the bars add up to, read back from the chart's own data. */
const plottedTotal = (chart: StatsChartInstance): number =>
  chart.data.datasets
    .filter((dataset) => dataset.yAxisID === 'y')
    .reduce((sum, dataset) => sum + dataset.data.reduce<number>((inner, value) => inner + (value ?? 0), 0), 0);

export interface StatsChart {
  /** Draws these buckets and returns the total the bars show. */
  show(buckets: readonly StatsBucket[], granularity: StatsGranularity): number;
  destroy(): void;
}

export const createStatsChart = (canvas: HTMLCanvasElement): StatsChart => {
  // Axis and legend text in the page's muted ink (7:1 on white) rather than Chart.js's own grey.
  Chart.defaults.color = cssColour('--muted');
  const chart: StatsChartInstance = new Chart<'bar' | 'line', Array<number | null>, string>(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      // Live re-reads replace the data every few seconds; animating each one only costs CPU.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Images' } },
        rate: {
          position: 'right',
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          ticks: { callback: (value) => `${value}%` },
          title: { display: true, text: 'Uncertain' },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) =>
              item.dataset.yAxisID === 'rate'
                ? `${item.dataset.label}: ${(item.parsed.y ?? 0).toFixed(1)}%`
                : `${item.dataset.label}: ${item.parsed.y}`,
          },
        },
      },
    },
  });
  return {
    show(buckets, granularity) {
      chart.data.labels = buckets.map((bucket) => bucketLabel(bucket.start, granularity));
      chart.data.datasets = seriesOf(buckets);
      chart.update();
      return plottedTotal(chart);
    },
    destroy: () => chart.destroy(),
  };
};
