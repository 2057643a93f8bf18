/**
 * DynamoDB Local and cognito-local must be told their port, so the stack finds one free and hands it over; until
 * the child listens (a JVM takes seconds) any other process may take it. A clean-clone CI run once lost a restart
 * that way: java.net.BindException. Here the port handed to a restart is the one the emulator had before, now held
 * by a listener on every interface, as that other process would hold it: the emulator starts on another port, with
 * its saved data, and reports the port it really listens on.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startCognitoLocal } from '../../../local/emulators/cognito-local';
import { startDynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { EmulatorStartError } from '../../../local/emulators/errors';
import { findFreePort, type PortSource } from '../../../local/emulators/free-port';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'pet-detector-taken-ports-'));
const holders: Server[] = [];
const held = new Set<Socket>();
afterAll(async () => {
  held.forEach((socket) => socket.destroy());
  await Promise.all(holders.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

/** Another process's listener on every interface (0.0.0.0), on a given port or a free one. */
const holdPort = async (port = 0): Promise<number> => {
  const server = createServer((socket) => held.add(socket));
  holders.push(server);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '0.0.0.0', resolve));
  return (server.address() as { port: number }).port;
};

/** Hands out the given ports first, then free ones. */
const handOut = (...ports: number[]): PortSource => async () => ports.shift() ?? findFreePort();

it('DynamoDB Local restarted on its saved tables starts on another port when its old one is taken, tables intact', async () => {
  const dataDir = join(dir, 'dynamodb');
  mkdirSync(dataDir);
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const item = { pk: { S: 'kept' } };

  const first = await startDynamoDbLocal({ dataDir });
  const before = new DynamoDBClient({ ...config, endpoint: first.endpoint });
  await before.send(new CreateTableCommand({
    TableName: 'Kept', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
  await before.send(new PutItemCommand({ TableName: 'Kept', Item: item }));
  before.destroy();
  await first.stop();

  const takenPort = await holdPort(first.port);
  const again = await startDynamoDbLocal({ dataDir, ports: handOut(takenPort) });
  const after = new DynamoDBClient({ ...config, endpoint: again.endpoint });
  try {
    expect(again.port).not.toBe(takenPort);
    expect(again.endpoint).toBe(`http://127.0.0.1:${again.port}`);
    expect((await after.send(new GetItemCommand({ TableName: 'Kept', Key: item }))).Item).toEqual(item);
  } finally {
    after.destroy();
    await again.stop();
  }
});

it('cognito-local restarted on its saved pools starts on another port when its old one is taken, pool intact', async () => {
  const stateDir = join(dir, 'cognito');
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

  const first = await startCognitoLocal({ stateDir });
  const before = new CognitoIdentityProviderClient({ ...config, endpoint: first.endpoint });
  const { UserPool } = await before.send(new CreateUserPoolCommand({ PoolName: 'kept' }));
  before.destroy();
  await first.stop();

  const takenPort = await holdPort(first.port);
  const again = await startCognitoLocal({ stateDir, ports: handOut(takenPort) });
  const after = new CognitoIdentityProviderClient({ ...config, endpoint: again.endpoint });
  try {
    expect(again.port).not.toBe(takenPort);
    expect(again.issuerOf(UserPool!.Id!)).toBe(`http://127.0.0.1:${again.port}/${UserPool!.Id}`);
    expect((await after.send(new DescribeUserPoolCommand({ UserPoolId: UserPool!.Id }))).UserPool?.Name).toBe('kept');
  } finally {
    after.destroy();
    await again.stop();
  }
});

it('stops with a named EmulatorStartError when every port it is handed is taken', async () => {
  const taken = [await holdPort(), await holdPort(), await holdPort()];
  const start = startCognitoLocal({ stateDir: join(dir, 'cognito-nowhere'), ports: handOut(...taken) });
  await expect(start).rejects.toBeInstanceOf(EmulatorStartError);
  await expect(start).rejects.toThrow(/EADDRINUSE/);
});
