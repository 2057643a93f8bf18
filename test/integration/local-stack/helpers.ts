/** Shared by the local-stack integration tests: a stack on free ports, photos, and waiting for things. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { ON_IMAGE_CLASSIFIED, type ApiTarget, type Image, type UploadTicket } from '../../../local/client/graphql';
import { RealtimeClient } from '../../../local/client/realtime';
import { contentTypeFor, postToTicket, requestUpload, type PostResult } from '../../../local/client/upload';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../local/stack/local-stack';
import { bufferedLogger } from '../../../local/stack/logger';
import { photoPath } from '../../fixtures/photos';

export const photo = (relativePath: string): Buffer => readFileSync(photoPath(relativePath));

export interface TestStack {
  stack: LocalStack;
  api: ApiTarget;
  s3: S3Client;
  realtime: RealtimeClient;
  stateDir: string;
  /** Warnings and errors the stack logged (printed when a test fails to explain it). */
  log: string[];
  stop(): Promise<void>;
}

export const startTestStack = async (options: LocalStackOptions = {}): Promise<TestStack> => {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'pet-detector-stack-'));
  const logger = bufferedLogger();
  const stack = await startLocalStack({
    port: 0,
    httpsPort: 0,
    persist: false,
    writeOutputs: false,
    logger,
    ...options,
    stateDir,
  });
  const api = { graphqlUrl: stack.endpoints.graphqlUrl, apiKey: stack.apiKey };
  const s3 = new S3Client({ region: stack.region, endpoint: stack.endpoints.s3, forcePathStyle: true, credentials: stack.credentials });
  const realtime = new RealtimeClient({ realtimeUrl: stack.endpoints.realtimeUrl, graphqlUrl: stack.endpoints.graphqlUrl, apiKey: stack.apiKey });
  await realtime.connect();
  return {
    stack,
    api,
    s3,
    realtime,
    stateDir,
    log: logger.lines,
    stop: async () => {
      realtime.close();
      s3.destroy();
      await stack.stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
};

/** Every onImageClassified event a subscriber with these arguments receives, from start_ack on. */
export const subscribe = async (realtime: RealtimeClient, variables: { id?: string; detectedAnimal?: string }) => {
  const events: Image[] = [];
  const subscription = await realtime.subscribe<{ onImageClassified: Image | null }>(ON_IMAGE_CLASSIFIED, variables, (data) => {
    if (data.onImageClassified) events.push(data.onImageClassified);
  });
  return { events, stop: () => subscription.stop() };
};

export const waitFor = async <T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const contentTypeOf = (file: string) => contentTypeFor(file) ?? 'image/jpeg';

/** requestUpload + the presigned POST, as a client does it. */
export const upload = async (
  api: ApiTarget,
  file: string,
  bytes: Buffer = photo(file),
): Promise<{ ticket: UploadTicket; posted: PostResult }> => {
  const contentType = contentTypeOf(file);
  const name = file.split('/').pop() ?? file;
  const ticket = await requestUpload(api, { fileName: name, contentType, fileSize: bytes.length });
  const posted = await postToTicket(ticket, bytes, { fileName: name, contentType });
  return { ticket, posted };
};

export const isFinal = (image: Image | undefined) => image !== undefined && (image.status === 'COMPLETED' || image.status === 'FAILED');
