// The console is a static bundle: `npm run build:console` writes console/dist, which the local stack
// serves at http://localhost:4000/ and the CDK static site uploads to S3. API settings are not compiled
// into the code; the page reads config.json at run time, so one build serves every stage.
import { defineConfig, type Plugin } from 'vite';
import { LOCAL_API_KEY, LOCAL_REGION } from '../local/common/naming';

/**
 * The local stack's config.json, shipped with the build: its API key is the fixed, non-secret local key
 * and its endpoint is relative ('/graphql': whatever origin serves the page), so `npm start` needs no
 * extra step. A deployment replaces it: the CDK static site excludes this file from the asset and
 * writes the stage's own config.json (infra/constructs/console-site.ts).
 */
const LOCAL_CONFIG = {
  GraphQLApiUrl: '/graphql',
  GraphQLApiKey: LOCAL_API_KEY,
  Region: LOCAL_REGION,
  Local: true,
};

const localConfigJson = (): Plugin => ({
  name: 'pet-detector-local-config',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'config.json', source: `${JSON.stringify(LOCAL_CONFIG, null, 2)}\n` });
  },
  configureServer(server) {
    server.middlewares.use('/config.json', (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(LOCAL_CONFIG));
    });
  },
});

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the same build works at "/" (local stack, CloudFront) or under a sub-path.
  base: './',
  // Vite 8 transforms JSX with Oxc; preact's automatic runtime needs no React plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [localConfigJson()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    // `CONSOLE_API_ORIGIN=http://localhost:4000 npx vite console` develops against a running local stack.
    proxy: process.env.CONSOLE_API_ORIGIN
      ? Object.fromEntries(['/graphql', '/local'].map((path) => [path, { target: process.env.CONSOLE_API_ORIGIN, ws: true }]))
      : undefined,
  },
});
