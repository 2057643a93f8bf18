/**
 * A local certificate authority and a server certificate for localhost / 127.0.0.1 / ::1, so the local
 * AppSync server can serve HTTPS and WSS (Amplify always connects real-time over wss://). Made once in
 * the given directory (the local stack passes .local/tls) and reused on restart, so a client that trusts
 * ca.pem (NODE_EXTRA_CA_CERTS, or its WebSocket options) keeps trusting the server. node-forge builds
 * the certificates; no key or signature code is written here.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

export interface LocalTls {
  /** The CA certificate to trust. */
  caPath: string;
  caPem: string;
  certPath: string;
  certPem: string;
  keyPath: string;
  keyPem: string;
}

export const SERVER_HOSTNAMES = ['localhost'];
export const SERVER_IPS = ['127.0.0.1', '::1'];

const CA_YEARS = 10;
/** Browsers refuse server certificates valid for longer than 825 days. */
const SERVER_DAYS = 825;
/** Renew a server certificate with less than this left, so a running stack does not cross its expiry. */
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;

const FILES = { ca: 'ca.pem', caKey: 'ca-key.pem', cert: 'cert.pem', key: 'key.pem' } as const;

const serialNumber = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // a positive serial, as X.509 requires
  return bytes.toString('hex');
};

const newKeyPair = (): forge.pki.rsa.KeyPair => forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });

const createCa = (): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } => {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + CA_YEARS * 365 * 24 * 60 * 60 * 1000);
  const subject = [
    { name: 'commonName', value: 'pet-detector local CA' },
    { name: 'organizationName', value: 'pet-detector local stack' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
};

const createServerCert = (ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }) => {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + SERVER_DAYS * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...SERVER_HOSTNAMES.map((value) => ({ type: 2, value })), ...SERVER_IPS.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
};

const readIfPresent = async (file: string): Promise<string | undefined> => (existsSync(file) ? readFile(file, 'utf8') : undefined);

const writePrivate = async (file: string, pem: string): Promise<void> => {
  await writeFile(file, pem, { mode: 0o600 });
  await chmod(file, 0o600);
};

/** Whether the server certificate is still usable with this CA. */
const serverCertUsable = (certPem: string, caPem: string): boolean => {
  try {
    const cert = forge.pki.certificateFromPem(certPem);
    const ca = forge.pki.certificateFromPem(caPem);
    return ca.verify(cert) && cert.validity.notAfter.getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
};

const caUsable = (caPem: string, caKeyPem: string): boolean => {
  try {
    const ca = forge.pki.certificateFromPem(caPem);
    forge.pki.privateKeyFromPem(caKeyPem);
    return ca.validity.notAfter.getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
};

/**
 * The local CA and server certificate in `dir`, created on first use. An existing CA is kept (clients
 * already trust it); the server certificate is re-issued only when it no longer verifies or is near expiry.
 */
export const ensureLocalTls = async (dir: string): Promise<LocalTls> => {
  await mkdir(dir, { recursive: true });
  const paths = {
    ca: path.join(dir, FILES.ca),
    caKey: path.join(dir, FILES.caKey),
    cert: path.join(dir, FILES.cert),
    key: path.join(dir, FILES.key),
  };
  let caPem = await readIfPresent(paths.ca);
  let caKeyPem = await readIfPresent(paths.caKey);
  let certPem = await readIfPresent(paths.cert);
  let keyPem = await readIfPresent(paths.key);

  if (!caPem || !caKeyPem || !caUsable(caPem, caKeyPem)) {
    const ca = createCa();
    caPem = forge.pki.certificateToPem(ca.cert);
    caKeyPem = forge.pki.privateKeyToPem(ca.key);
    await writePrivate(paths.caKey, caKeyPem);
    await writeFile(paths.ca, caPem);
    certPem = undefined;
  }
  if (!certPem || !keyPem || !serverCertUsable(certPem, caPem)) {
    const ca = { cert: forge.pki.certificateFromPem(caPem), key: forge.pki.privateKeyFromPem(caKeyPem) };
    const server = createServerCert(ca);
    certPem = forge.pki.certificateToPem(server.cert);
    keyPem = forge.pki.privateKeyToPem(server.key);
    await writePrivate(paths.key, keyPem);
    await writeFile(paths.cert, certPem);
  }
  return { caPath: paths.ca, caPem, certPath: paths.cert, certPem, keyPath: paths.key, keyPem: keyPem! };
};
