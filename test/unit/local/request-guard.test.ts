/** The last-resort guard: a listener that throws answers that request with a named error; the server keeps serving. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardRequests, type RequestFault } from '../../../local/common/request-guard';

let server: Server;
const faults: RequestFault[] = [];

beforeAll(async () => {
  server = createServer(
    guardRequests(
      'test server',
      async (req, res) => {
        if (req.url === '/sync') throw new URIError('URI malformed');
        if (req.url === '/async') await Promise.reject(new Error('later'));
        res.end('ok');
      },
      (_req, res) => res.writeHead(500, { 'x-error': 'InternalFailure' }).end('InternalFailure'),
      (fault) => faults.push(fault),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (path: string) => {
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
  return { status: response.status, body: await response.text() };
};

it.each(['/sync', '/async'])('a listener that throws on %s: 500 with the named error, the fault logged with its request', async (path) => {
  expect(await get(path)).toEqual({ status: 500, body: 'InternalFailure' });
  expect(faults.at(-1)).toMatchObject({ server: 'test server', method: 'GET', url: path });
  expect(await get('/fine')).toEqual({ status: 200, body: 'ok' });
});
