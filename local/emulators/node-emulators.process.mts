/**
 * Child process hosting the two Node emulators: fauxqs (SNS + SQS) and s3rver (S3).
 *
 * Why a child process and not in-process: s3rver's paged ListObjectsV2 needs --openssl-legacy-provider,
 * a process-wide flag we should not impose on the product's own code; fauxqs ships ESM only, which the
 * CommonJS test runner cannot load; and a crashing emulator should not take the stack's logic with it.
 * Messages over IPC: -> { type: 'ready', sqsPort, s3Port } | { type: 's3-event', event }; <- { type: 'stop' }.
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { buildApp } from 'fauxqs';
import S3rver from 's3rver';
import { raceFreeStore, type FilesystemStoreClass, type S3ErrorClass } from './s3rver-store';

interface ChildOptions {
  s3Directory: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const options = JSON.parse(process.env.LOCAL_EMULATOR_OPTIONS ?? '{}') as ChildOptions;
const send = (message: unknown): void => {
  process.send?.(message);
};

const main = async (): Promise<void> => {
  const fauxqs = buildApp({ logger: false, defaultRegion: options.region });
  await fauxqs.listen({ port: 0, host: '127.0.0.1' });
  const sqsAddress = fauxqs.server.address();
  const sqsPort = typeof sqsAddress === 'object' && sqsAddress ? sqsAddress.port : 0;

  // s3rver checks requests against its own account registry; register the stack's local key pair.
  const require = createRequire(import.meta.url);
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.secretAccessKey);

  mkdirSync(options.s3Directory, { recursive: true });
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.s3Directory,
    // Signatures are checked: the upload gateway in front refuses unsigned requests, s3rver the wrong ones.
    allowMismatchedSignatures: false,
    vhostBuckets: false,
    // No CORS configuration: the upload gateway answers browsers, for the console's origins only.
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  // s3rver takes no store option: swap its FilesystemStore for one without the folder races (s3rver-store.ts).
  const FilesystemStore = require('s3rver/lib/stores/filesystem') as FilesystemStoreClass;
  const S3Error = require('s3rver/lib/models/error') as S3ErrorClass;
  const store = new (raceFreeStore(FilesystemStore, S3Error))(options.s3Directory);
  Object.assign(s3, { store });
  Object.assign((s3 as unknown as { context: object }).context, { store });
  const s3Address = await s3.run();
  s3.on('event', (event: unknown) => send({ type: 's3-event', event }));

  const stop = async (): Promise<void> => {
    await Promise.allSettled([s3.close(), fauxqs.close()]);
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop();
  });
  // The parent died without saying goodbye: do not linger.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', sqsPort, s3Port: s3Address.port });
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
