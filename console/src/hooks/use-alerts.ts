/**
 * The SNS alerts the local stack raised (GET /local/alerts), polled while the page is open. Deployed
 * stages deliver alerts to subscribers instead, so there the list is absent.
 */
import { useEffect, useState } from 'preact/hooks';

export interface AlertView {
  key: string;
  imageId?: string;
  animal?: string;
  confidence?: number;
  receivedAt?: string;
  text: string;
}

const POLL_MS = 5000;

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const parseMaybeJson = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const pick = (sources: Record<string, unknown>[], names: string[]): unknown => {
  for (const source of sources) for (const name of names) if (source[name] != null) return source[name];
  return undefined;
};

/**
 * Reads one alert whatever its envelope: the raw UncertainAlert, an SNS notification whose Message is
 * that alert as JSON, or an SQS message whose Body is such a notification.
 */
export const toAlertView = (raw: unknown, index: number): AlertView => {
  const outer = asRecord(raw);
  const body = asRecord(parseMaybeJson(outer.Body ?? outer.body));
  const message = parseMaybeJson(outer.Message ?? outer.message ?? body.Message ?? body.message);
  const inner = asRecord(message);
  const sources = [inner, body, outer];
  const imageId = pick(sources, ['imageId', 'id']);
  const animal = pick(sources, ['animal', 'detectedAnimal']);
  const confidence = pick(sources, ['confidence']);
  const receivedAt = pick(sources, ['receivedAt', 'Timestamp', 'timestamp', 'publishedAt']);
  const subject = pick(sources, ['Subject', 'subject']);
  return {
    key: String(pick(sources, ['MessageId', 'messageId']) ?? `${String(imageId ?? '')}-${index}`),
    imageId: typeof imageId === 'string' ? imageId : undefined,
    animal: typeof animal === 'string' ? animal : undefined,
    confidence: typeof confidence === 'number' ? confidence : undefined,
    receivedAt: typeof receivedAt === 'string' ? receivedAt : undefined,
    text: typeof subject === 'string' ? subject : typeof message === 'string' ? message : 'Uncertain classification',
  };
};

const newestFirst = (alerts: AlertView[]): AlertView[] =>
  alerts.every((alert) => alert.receivedAt)
    ? [...alerts].sort((a, b) => Date.parse(b.receivedAt ?? '') - Date.parse(a.receivedAt ?? ''))
    : [...alerts].reverse(); // no timestamps: assume the server lists them in arrival order

export const useAlerts = (alertsUrl: string | undefined) => {
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!alertsUrl) return undefined;
    let cancelled = false;
    const poll = async () => {
      try {
        const response = await fetch(alertsUrl, { cache: 'no-store' });
        if (!response.ok) throw new Error(`${alertsUrl} answered ${response.status}`);
        const body: unknown = await response.json();
        const list = Array.isArray(body) ? body : (asRecord(body).alerts as unknown[] | undefined) ?? [];
        if (!cancelled) {
          setAlerts(newestFirst(list.map(toAlertView)));
          setError(undefined);
        }
      } catch (failure) {
        if (!cancelled) setError(failure instanceof Error ? failure.message : String(failure));
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [alertsUrl]);

  return { alerts, error };
};
