/** Start-up: read config.json, configure Amplify (with the local WebSocket route when local), render. */
import { render } from 'preact';
import { configureApi } from './api';
import { App } from './app';
import { loadConfig } from './config';
import { routeLocalRealtimeOverPlainWs } from './local-websocket';
import './styles.css';

const root = document.getElementById('app');

const start = async () => {
  if (!root) return;
  try {
    const config = await loadConfig();
    if (config.local) routeLocalRealtimeOverPlainWs(config.graphqlUrl);
    const api = configureApi(config);
    render(<App api={api} config={config} />, root);
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
