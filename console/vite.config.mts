// The console is a static bundle: `npm run build:console` writes console/dist, which the local stack
// serves at http://localhost:4000/ and the CDK static site uploads to S3. API settings are not compiled
// into the code; the page reads config.json at run time, so one build serves every stage: the local stack
// serves its own at /config.json (local/stack/console-config.ts), a deployment writes the stage's
// (infra/constructs/console-site.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the same build works at "/" (local stack, CloudFront) or under a sub-path.
  base: './',
  // Vite 8 transforms JSX with Oxc; preact's automatic runtime needs no React plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    // `CONSOLE_API_ORIGIN=http://localhost:4000 npx vite console` develops against a running local stack.
    proxy: process.env.CONSOLE_API_ORIGIN
      ? Object.fromEntries(['/graphql', '/local', '/config.json'].map((path) => [path, { target: process.env.CONSOLE_API_ORIGIN, ws: true }]))
      : undefined,
  },
});
