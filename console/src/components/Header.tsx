import type { ComponentChildren } from 'preact';
import type { Stats } from '../stats';
import { STATS_READ_LIMIT } from '../stats';
import { percent } from '../format';

interface HeaderProps {
  stats: Stats;
  statsError?: string;
  connection: string;
  local: boolean;
  account?: ComponentChildren;
}

export const Header = ({ stats, statsError, connection, local, account }: HeaderProps) => (
  <header class="site-header">
    <div class="brand">
      <h1>Pet detector</h1>
      <span class="stage">{local ? 'local stack' : 'deployed API'}</span>
      <span class="connection" role="status">
        Live updates: {connection}
      </span>
    </div>
    {account}
    <dl class="stats" aria-label={stats.truncated ? `Figures for the latest ${STATS_READ_LIMIT} images` : 'Figures for all images'}>
      <div>
        <dt>Cats</dt>
        <dd data-stat="CAT">{stats.byAnimal.CAT}</dd>
      </div>
      <div>
        <dt>Dogs</dt>
        <dd data-stat="DOG">{stats.byAnimal.DOG}</dd>
      </div>
      <div>
        <dt>Other</dt>
        <dd data-stat="OTHER">{stats.byAnimal.OTHER}</dd>
      </div>
      <div>
        <dt>Uncertain</dt>
        <dd data-stat="uncertain-rate">
          {percent(stats.uncertainRate === undefined ? undefined : stats.uncertainRate * 100, 1)}
          <span class="muted"> ({stats.uncertain}/{stats.classified})</span>
        </dd>
      </div>
      {stats.pending + stats.failed > 0 && (
        <div>
          <dt>Pending / failed</dt>
          <dd>
            {stats.pending} / {stats.failed}
          </dd>
        </div>
      )}
    </dl>
    {stats.truncated && <p class="muted small">Figures cover the latest {STATS_READ_LIMIT} images.</p>}
    {statsError && <p class="error small">Figures unavailable: {statsError}</p>}
  </header>
);
