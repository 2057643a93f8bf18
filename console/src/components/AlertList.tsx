import type { AlertView } from '../hooks/use-alerts';
import { dateTime, percent } from '../format';

interface AlertListProps {
  alerts: AlertView[];
  error?: string;
}

export const AlertList = ({ alerts, error }: AlertListProps) => (
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
            <span class="muted small">
              {alert.imageId ?? ''} {alert.receivedAt ? `· ${dateTime(alert.receivedAt)}` : ''}
            </span>
            <div class="small">{alert.text}</div>
          </li>
        ))}
      </ul>
    )}
  </section>
);
