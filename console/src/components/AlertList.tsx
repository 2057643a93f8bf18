import type { AlertView } from '../hooks/use-alerts';
import { dateTime, percent } from '../format';

interface AlertListProps {
  alerts: AlertView[];
  error?: string;
  onOpen: (imageId: string) => void;
}

export const AlertList = ({ alerts, error, onOpen }: AlertListProps) => (
  <section aria-labelledby="alerts-title" class="panel">
    <h2 id="alerts-title">Uncertain alerts (local SNS)</h2>
    {error && <p class="error small">Alerts unavailable: {error}</p>}
    {alerts.length === 0 ? (
      <p class="muted">No alert raised yet.</p>
    ) : (
      <ul class="alerts">
        {alerts.map((alert) => (
          <li key={alert.key}>
            <strong>{alert.animal ?? 'Image'}</strong> {alert.confidence != null && percent(alert.confidence, 1)}{' '}
            <span class="muted small">{alert.receivedAt ? dateTime(alert.receivedAt) : ''}</span>
            <div class="small">{alert.text}</div>
            {alert.imageId && (
              <button type="button" class="link small" onClick={() => alert.imageId && onOpen(alert.imageId)}>
                Open image<span class="visually-hidden"> {alert.imageId}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    )}
  </section>
);
