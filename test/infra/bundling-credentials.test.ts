/**
 * The Lambda bundles, built by NodejsFunction with the stack's own bundling options (plus an esbuild
 * metafile), carry only the environment-variable credential provider: the SDK's default chain (SSO, ini
 * files, credential_process, web identity, container/instance metadata, and the STS/SSO clients behind
 * them) never answers in Lambda and stays out. A built bundle then signs with the credentials Lambda puts in
 * the environment.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { bundlingOptions, handlerEntry, LAMBDA_ALIASES, LAMBDA_RUNTIME, REPO_ROOT } from '../../infra/bundling';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/config';

const UNUSED_IN_LAMBDA = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
];

let outdir: string;
const bundleDirs = {} as Record<FunctionName, string>;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'pet-detector-bundling-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundles');
  for (const name of FUNCTION_NAMES) {
    const fn = new nodejs.NodejsFunction(stack, name, {
      entry: handlerEntry(name),
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      bundling: { ...bundlingOptions(name), metafile: true },
    });
    bundleDirs[name] = path.join(outdir, (fn.node.findChild('Code') as Asset).assetPath);
  }
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The source files that contribute code to the bundle (esbuild lists tree-shaken inputs too, with 0 bytes). */
const bundledPackages = (name: FunctionName): string[] => {
  const meta = JSON.parse(readFileSync(path.join(bundleDirs[name], 'index.meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('index.js'))?.[1];
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
};

describe('Lambda bundles (SDK bundled, the default)', () => {
  it('alias only to modules that exist, relative to the project root esbuild runs in', () => {
    for (const target of Object.values(LAMBDA_ALIASES)) expect(existsSync(path.join(REPO_ROOT, target))).toBe(true);
  });

  it.each(FUNCTION_NAMES)('%s: holds the environment credential provider and none of the default chain', (name) => {
    const inputs = bundledPackages(name);
    expect(inputs).toContain('functions/runtime/lambda-credentials.ts');
    expect(inputs.some((f) => f.includes('node_modules/@aws-sdk/credential-provider-env/'))).toBe(true);
    for (const pkg of UNUSED_IN_LAMBDA) expect(inputs.filter((f) => f.includes(`node_modules/${pkg}/`))).toEqual([]);
    // The chain's own log lines would be in the minified code if any of it were.
    expect(readFileSync(path.join(bundleDirs[name], 'index.js'), 'utf8')).not.toMatch(/defaultProvider::from|AssumeRoleWithWebIdentity|sso_start_url/);
  });

  it('stream-publisher: the AppSync publisher (fromNodeProviderChain) resolves to the same provider', () => {
    const inputs = bundledPackages('stream-publisher');
    expect(inputs.some((f) => f.includes('node_modules/@aws-sdk/credential-providers/'))).toBe(true);
    expect(inputs).toContain('functions/runtime/lambda-credentials.ts');
  });
});

describe('a built bundle, run as Lambda runs it', () => {
  let server: Server;
  const received: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    // Stands in for DynamoDB's endpoint so the handler completes offline; only the request headers matter.
    server = createServer((req, res) => {
      received.push(req.headers);
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('request-upload signs DynamoDB and the presigned POST with the role credentials from the environment', async () => {
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      // What Lambda sets for the execution role (temporary credentials).
      AWS_ACCESS_KEY_ID: 'ASIAROLECREDENTIALS',
      AWS_SECRET_ACCESS_KEY: 'role-secret',
      AWS_SESSION_TOKEN: 'role-session-token',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      // With the SDK's full chain, a profile would be preferred over the environment: in a Lambda bundle it is ignored.
      AWS_PROFILE: 'not-in-lambda',
      AWS_CONFIG_FILE: path.join(outdir, 'missing-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(outdir, 'missing-credentials'),
      TABLE_NAME: 'serverlessapp-test-detection-logs',
      INDEX_SHARDS: '8',
      BUCKET_NAME: 'serverlessapp-test-images',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    const event = { fieldName: 'requestUpload', parentTypeName: 'Mutation', arguments: { input: { fileName: 'rex.jpg', contentType: 'image/jpeg', fileSize: 4321 } } };
    const script = `require(${JSON.stringify(path.join(bundleDirs['request-upload'], 'index.js'))}).handler(${JSON.stringify(event)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`;
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr: stderr.slice(0, 2000) }).toEqual({ code: 0, stderr: expect.any(String) });

    const result = JSON.parse(stdout) as { data?: { uploadFields: string } };
    expect(result.data).toBeDefined();
    const fields = JSON.parse(result.data!.uploadFields) as Record<string, string>;
    expect(fields['X-Amz-Credential']).toMatch(/^ASIAROLECREDENTIALS\//);
    expect(fields['X-Amz-Security-Token']).toBe('role-session-token');
    expect(received).toHaveLength(1);
    expect(received[0]?.authorization).toMatch(/Credential=ASIAROLECREDENTIALS\//);
    expect(received[0]?.['x-amz-security-token']).toBe('role-session-token');
  }, 30_000);
});
