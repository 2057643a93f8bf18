/**
 * GET /local/health: each component of the stack probed live, as JSON, 200 only when every one is up
 * (503 otherwise), so a script or a test can tell a stack that serves from one that only listens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ComponentHealth {
  up: boolean;
  detail?: string;
}

export type HealthProbe = () => ComponentHealth | Promise<ComponentHealth>;

export interface HealthReport {
  status: 'UP' | 'DOWN';
  components: Record<string, ComponentHealth>;
}

/** A probe that does not answer by then counts as down: a hung emulator is not a healthy one. */
const PROBE_TIMEOUT_MS = 2_000;

const withTimeout = (probe: HealthProbe): Promise<ComponentHealth> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ up: false, detail: `no answer within ${PROBE_TIMEOUT_MS} ms` }), PROBE_TIMEOUT_MS);
    Promise.resolve()
      .then(probe)
      .then(
        (health) => resolve(health),
        (error: unknown) => resolve({ up: false, detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
      )
      .finally(() => clearTimeout(timer));
  });

export const checkHealth = async (probes: Record<string, HealthProbe>): Promise<HealthReport> => {
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => withTimeout(probes[name] as HealthProbe)));
  const components = Object.fromEntries(names.map((name, i) => [name, results[i] as ComponentHealth]));
  return { status: results.every((r) => r.up) ? 'UP' : 'DOWN', components };
};

export const healthRoute =
  (probes: Record<string, HealthProbe>, headers: (request: IncomingMessage) => Record<string, string>) =>
  async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const report = await checkHealth(probes);
    const body = JSON.stringify(report);
    response.writeHead(report.status === 'UP' ? 200 : 503, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
      ...headers(request),
    });
    response.end(body);
  };
