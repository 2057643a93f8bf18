/** Stream checkpoints: durable, and a corrupt file costs a replay, never the data or the start-up. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpointStore } from '../../../local/wiring/checkpoint-store';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/T/stream/1';
const folder = () => mkdtempSync(join(tmpdir(), 'checkpoints-'));

it('a checkpoint written is read back by the next start', async () => {
  const file = join(folder(), 'stream-checkpoints.json');
  const store = await openCheckpointStore(file, ARN);
  await store.set('shard-1', { sequenceNumber: '42' });
  expect((await openCheckpointStore(file, ARN)).get('shard-1')).toEqual({ sequenceNumber: '42' });
  expect(readdirSync(join(file, '..'))).toEqual(['stream-checkpoints.json']);
});

it.each([
  ['truncated JSON', '{"arn:aws:dynamodb'],
  ['not an object of shards', '[1,2,3]'],
  ['a shard of the wrong shape', JSON.stringify({ [ARN]: { 'shard-1': { sequenceNumber: 42 } } })],
])('a corrupt file (%s) is set aside, reported, and every shard starts from its trim horizon', async (_what, text) => {
  const dir = folder();
  const file = join(dir, 'stream-checkpoints.json');
  writeFileSync(file, text);
  const reports: string[] = [];
  const store = await openCheckpointStore(file, ARN, (message) => reports.push(message));
  expect(store.get('shard-1')).toBeUndefined();
  expect(reports).toHaveLength(1);
  expect(reports[0]).toMatch(/unreadable.*trim horizon/s);
  const aside = readdirSync(dir).find((name) => name.includes('.corrupt-'));
  expect(aside).toBeDefined();
  expect(readFileSync(join(dir, aside!), 'utf8')).toBe(text);
  await store.set('shard-1', { sequenceNumber: '7' });
  expect((await openCheckpointStore(file, ARN)).get('shard-1')).toEqual({ sequenceNumber: '7' });
});

it('flushes a checkpoint to disk before it replaces the last one, and flushes the folder after the rename', async () => {
  // A power cut cannot be simulated here; what the store controls is the order of its syscalls, observed
  // on the real file system calls it makes.
  const fs = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  const file = join(folder(), 'stream-checkpoints.json');
  const store = await openCheckpointStore(file, ARN);
  const probe = await fs.open(`${file}.probe`, 'w');
  const handlePrototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
  await probe.close();
  const realSync = handlePrototype.sync;
  const realRename = fs.rename;
  const steps: string[] = [];
  const sync = jest.spyOn(handlePrototype, 'sync').mockImplementation(function (this: unknown) {
    steps.push('fsync');
    return realSync.call(this);
  });
  const rename = jest.spyOn(fs, 'rename').mockImplementation((from, to) => {
    steps.push(`rename ${String(from) === `${file}.tmp` ? 'temp' : String(from)} -> ${String(to) === file ? 'file' : String(to)}`);
    return realRename(from, to);
  });
  try {
    await store.set('shard-1', { sequenceNumber: '43' });
  } finally {
    sync.mockRestore();
    rename.mockRestore();
  }
  expect(steps).toEqual(['fsync', 'rename temp -> file', 'fsync']);
  expect((await openCheckpointStore(file, ARN)).get('shard-1')).toEqual({ sequenceNumber: '43' });
});
