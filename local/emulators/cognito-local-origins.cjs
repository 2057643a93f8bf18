/**
 * Preloaded into cognito-local's process (`node --require`). cognito-local's Express app answers CORS `*`
 * to every origin (it hard-codes `cors({ origin: '*' })` and reads no option for it), and its admin
 * operations take no credentials, so any web page that found its port could create users in the local
 * pool or add one to `analysts`. This swaps the `cors` middleware cognito-local loads for one that grants
 * only the console's origins (the stack sends them over IPC once its servers listen) and refuses every
 * other browser Origin with 403 ForbiddenException, before anything is parsed. Callers that send no Origin
 * (the CLI, the AWS SDK, Amplify in Node) are not browsers and are served as before.
 *
 * Plain CommonJS, not TypeScript: it runs in cognito-local's own Node process, which loads no compiler.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS loaded by node --require, before any module system of ours */
const path = require('node:path');

const serverDir = path.dirname(require.resolve('cognito-local/lib/server/server.js'));
const corsPath = require.resolve('cors', { paths: [serverDir] });
const cors = require(corsPath);

/** Until the stack names the console's origins, no browser origin is granted. */
let allowed = new Set();
process.on('message', (message) => {
  if (message && message.type === 'allowed-origins' && Array.isArray(message.origins)) {
    allowed = new Set(message.origins.map((origin) => String(origin).toLowerCase()));
  }
});
// A parent that is gone takes the emulator along (it would hold its port and files).
process.on('disconnect', () => process.exit(0));

const forbidden = (res, origin) => {
  const body = JSON.stringify({ __type: 'ForbiddenException', message: `Origin ${origin} is not allowed to call the local user pool` });
  res.writeHead(403, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ForbiddenException', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const originGuard = (options) => {
  const grant = cors({ ...options, origin: (origin, done) => done(null, origin ?? false) });
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin.toLowerCase())) return forbidden(res, origin);
    return grant(req, res, next);
  };
};

require.cache[corsPath].exports = originGuard;
