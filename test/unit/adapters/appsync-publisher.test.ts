import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppSyncPublisher } from '../../../functions/adapters/appsync-publisher';
import type { ImageRecord } from '../../../functions/core/domain';
import { PublishError } from '../../../functions/core/errors';
import { pendingRecord } from '../core/support/in-memory-ports';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in GraphQL endpoint on 127.0.0.1 that records what it receives and answers as told. */
let server: Server;
let url: string;
let received: Received[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{"data":{"publishImageClassified":{"id":"x"}}}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
  reply = { status: 200, body: '{"data":{"publishImageClassified":{"id":"x"}}}' };
});

const completed: ImageRecord = {
  ...pendingRecord('img-1'),
  status: 'COMPLETED',
  detectedAnimal: 'CAT',
  confidence: 97.5,
  uncertain: false,
  labels: [{ name: 'Cat', confidence: 97.5, boundingBoxes: [{ left: 0.1, top: 0.1, width: 0.5, height: 0.5 }] }],
  objectKey: 'cats/img-1.jpg',
  s3Location: 's3://b/cats/img-1.jpg',
  classifiedAt: '2026-11-22T03:00:00.000Z',
};

const publisher = () => new AppSyncPublisher({ graphqlUrl: url, region: 'us-east-1', credentials });

describe('AppSyncPublisher', () => {
  it('POSTs publishImageClassified with every Image field, SigV4-signed for the appsync service', async () => {
    await publisher().publishImageClassified(completed);
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    const { query, variables } = JSON.parse(request.body) as { query: string; variables: { input: Record<string, unknown> } };
    expect(query).toContain('publishImageClassified(input: $input)');
    for (const field of ['id', 'status', 'detectedAnimal', 'confidence', 'uncertain', 's3Location', 'fileName', 'fileSize',
      'imageFormat', 'labels', 'failureReason', 'createdAt', 'classifiedAt']) {
      expect(query).toMatch(new RegExp(`\\b${field}\\b`));
      expect(variables.input).toHaveProperty(field);
    }
    expect(variables.input).toMatchObject({ id: 'img-1', status: 'COMPLETED', detectedAnimal: 'CAT', failureReason: null });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/us-east-1\/appsync\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );

    // The signature verifies: re-signing the received request with the same key and time gives the same one.
    const amzDate = request.headers['x-amz-date'] as string;
    const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const port = Number(new URL(url).port);
    const resigned = await new SignatureV4({ service: 'appsync', region: 'us-east-1', credentials, sha256: Sha256 }).sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path: '/graphql',
        headers: { 'content-type': request.headers['content-type'] as string, host: request.headers.host as string },
        body: request.body,
      }),
      { signingDate },
    );
    expect(resigned.headers.authorization).toBe(request.headers.authorization);
  });

  it('fails with PublishError when AppSync answers 200 with GraphQL errors', async () => {
    reply = { status: 200, body: '{"data":{"publishImageClassified":null},"errors":[{"errorType":"Unauthorized","message":"Not Authorized to access publishImageClassified on type Mutation"}]}' };
    const error = await publisher().publishImageClassified(completed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).retryable).toBe(true);
    expect((error as Error).message).toContain('Unauthorized: Not Authorized');
  });

  it.each([
    [403, '{"errors":[{"errorType":"UnauthorizedException","message":"bad signature"}]}'],
    [500, 'internal'],
    [200, 'not json'],
  ])('fails with PublishError on HTTP %i / a bad body', async (status, body) => {
    reply = { status, body };
    await expect(publisher().publishImageClassified(completed)).rejects.toBeInstanceOf(PublishError);
  });

  it('fails with PublishError when the endpoint cannot be reached', async () => {
    const unreachable = new AppSyncPublisher({ graphqlUrl: 'http://127.0.0.1:1/graphql', region: 'us-east-1', credentials });
    await expect(unreachable.publishImageClassified(completed)).rejects.toThrow('AppSync could not be reached');
  });
});
