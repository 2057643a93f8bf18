/** Start-up: read config.json, configure Amplify (with the local WebSocket route when local), render the sign-in gate. */
import { render } from 'preact';
import { configureAmplify } from './amplify';
import { loadConfig } from './config';
import { routeLocalRealtimeOverPlainWs } from './local-websocket';
import { SessionGate } from './session-gate';
import './styles.css';

const root = document.getElementById('app');

const start = async () => {
  if (!root) return;
  try {
    const config = await loadConfig();
    if (config.local) routeLocalRealtimeOverPlainWs(config.graphqlUrl);
    configureAmplify(config);
    render(<SessionGate config={config} />, root);
  } catch (error) {
    render(
      <main class="panel">
        <h1>Pet detector</h1>
        <p class="error" role="alert">
          The console could not start: {error instanceof Error ? error.message : String(error)}
        </p>
      </main>,
      root,
    );
  }
};

void start();
