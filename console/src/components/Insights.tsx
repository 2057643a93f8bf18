/**
 * The Insights view: a UTC date-range picker, the imageStats chart, and its figures as tables (the totals
 * beside the chart, every non-empty bucket on request) for readers who cannot see the chart.
 */
import type { ImageStatsView } from '../hooks/use-image-stats';
import { percent } from '../format';
import { bucketLabel, DEFAULT_RANGE_DAYS, HOURLY_UP_TO_DAYS, isDay, type GranularityChoice } from '../stats';
import { StatsChart } from './StatsChart';

/** The counts in both tables, in the chart's order; `stat` marks the totals' cells for tests and tools. */
const COUNTS = [
  { label: 'Images', count: 'total', stat: 'total' },
  { label: 'Cats', count: 'cats', stat: 'CAT' },
  { label: 'Dogs', count: 'dogs', stat: 'DOG' },
  { label: 'Other', count: 'others', stat: 'OTHER' },
  { label: 'Failed', count: 'failed', stat: 'failed' },
] as const;

export const Insights = ({ stats }: { stats: ImageStatsView }) => {
  const { range, totals, buckets } = stats;
  const granularity = stats.query?.granularity ?? 'DAY';
  const unit = granularity === 'DAY' ? 'day' : 'hour';
  const setDay = (end: 'from' | 'to', value: string) => {
    // A cleared date input keeps the range it had rather than asking for nothing.
    if (isDay(value)) stats.setRange({ ...range, [end]: value });
  };
  const filled = buckets.filter((bucket) => bucket.total > 0);

  return (
    <section aria-labelledby="insights-title" class="panel insights" aria-busy={stats.loading}>
      <h2 id="insights-title">Insights</h2>
      <form class="filters" aria-label="Insights range" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="insights-from">From (UTC)</label>
          <input id="insights-from" type="date" value={range.from} max={range.to} onChange={(event) => setDay('from', event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="insights-to">To (UTC)</label>
          <input id="insights-to" type="date" value={range.to} min={range.from} onChange={(event) => setDay('to', event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="insights-granularity">Group by</label>
          <select
            id="insights-granularity"
            value={stats.granularity}
            onChange={(event) => stats.setGranularity(event.currentTarget.value as GranularityChoice)}
          >
            <option value="AUTO">Automatic (hours up to {HOURLY_UP_TO_DAYS} days)</option>
            <option value="HOUR">Hour</option>
            <option value="DAY">Day</option>
          </select>
        </div>
        <button type="button" class="button" onClick={() => stats.setRange(undefined)}>
          Last {DEFAULT_RANGE_DAYS} days
        </button>
      </form>
      {stats.error && (
        <p class="error" role="alert">
          Statistics unavailable: {stats.error}
        </p>
      )}
      <div class="insights-body">
        <StatsChart
          buckets={buckets}
          granularity={granularity}
          label={`Images per ${unit} from ${range.from} to ${range.to} (UTC), stacked by animal with failed ones on top, and the uncertain rate as a line. The totals are in the table beside it.`}
        />
        <table class="totals">
          <caption>
            {range.from} to {range.to} (UTC)
          </caption>
          <tbody>
            {COUNTS.map((column) => (
              <tr key={column.count}>
                <th scope="row">{column.label}</th>
                <td data-stat={column.stat}>{totals[column.count]}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Uncertain</th>
              <td data-stat="uncertain-rate">
                {percent(totals.uncertainPercent, 1)}
                <span class="muted">
                  {' '}
                  ({totals.uncertain}/{totals.completed})
                </span>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <details>
        <summary>
          Figures per {unit} ({filled.length} with images)
        </summary>
        <div class="table-scroll">
          <table class="buckets">
            <thead>
              <tr>
                <th scope="col">{granularity === 'DAY' ? 'Day' : 'Hour'} (UTC)</th>
                {COUNTS.map((column) => (
                  <th scope="col" key={column.count}>
                    {column.label}
                  </th>
                ))}
                <th scope="col">Uncertain</th>
              </tr>
            </thead>
            <tbody>
              {filled.map((bucket) => (
                <tr key={bucket.start}>
                  <th scope="row">{bucketLabel(bucket.start, granularity)}</th>
                  {COUNTS.map((column) => (
                    <td key={column.count}>{bucket[column.count]}</td>
                  ))}
                  <td>{bucket.uncertain}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
};
