/**
 * local/tls: a local CA and a server certificate for localhost, 127.0.0.1 and ::1, made once and reused,
 * that a real TLS client accepts when (and only when) it trusts the CA.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLocalTls, type LocalTls } from '../../../local/tls';

jest.setTimeout(30_000);

let dir: string;
let first: LocalTls;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'local-tls-test-'));
  first = await ensureLocalTls(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string, ca?: string): Promise<number> =>
  new Promise((resolve, reject) => {
    request(url, ca ? { ca } : {}, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });

const serve = async (tls: LocalTls): Promise<{ server: Server; port: number }> => {
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
};

it('issues a server certificate for localhost, 127.0.0.1 and ::1, signed by the local CA', () => {
  const ca = new X509Certificate(first.caPem);
  const cert = new X509Certificate(first.certPem);
  expect(ca.ca).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.checkHost('localhost')).toBe('localhost');
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(cert.checkIP('::1')).toBe('::1');
  expect(cert.checkHost('example.com')).toBeUndefined();
  expect(statSync(first.keyPath).mode & 0o077).toBe(0);
});

it('is accepted by a TLS client that trusts the CA, for both names, and refused by one that does not', async () => {
  const { server, port } = await serve(first);
  try {
    expect(await get(`https://127.0.0.1:${port}/`, first.caPem)).toBe(200);
    expect(await get(`https://localhost:${port}/`, first.caPem)).toBe(200);
    await expect(get(`https://127.0.0.1:${port}/`)).rejects.toThrow(/self[- ]signed|unable to verify|local issuer/i);
  } finally {
    server.close();
  }
});

it('reuses the CA and the certificate on restart, and re-issues only a missing certificate', async () => {
  const again = await ensureLocalTls(dir);
  expect(again).toEqual(first);

  unlinkSync(first.certPath);
  const reissued = await ensureLocalTls(dir);
  expect(reissued.caPem).toBe(first.caPem);
  expect(reissued.certPem).not.toBe(first.certPem);
  expect(new X509Certificate(reissued.certPem).verify(new X509Certificate(first.caPem).publicKey)).toBe(true);
});
