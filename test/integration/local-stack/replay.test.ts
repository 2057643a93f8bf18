/**
 * A stream replay costs nothing: a corrupt checkpoint file does not stop the start or cost data, the
 * stream is read again from its trim horizon, and the uncertain image it publishes again does not raise
 * a second SNS alert (the alert is claimed once on the record).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GET_IMAGE, graphql, type Image } from '../../../local/client/graphql';
import { sleep, startTestStack, subscribe, upload, waitFor, isFinal, type TestStack } from './helpers';

jest.setTimeout(120_000);

const UNCERTAIN_DOG = 'dog/gnomefaces-puppy.jpg';
const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-replay-'));
let t: TestStack | undefined;

afterAll(async () => {
  await t?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

it('a corrupt checkpoint file: the stack starts, keeps its data, replays the stream, and sends no second alert', async () => {
  t = await startTestStack({ persist: true, stateDir });
  const subscriber = await subscribe(t.realtime, {});
  const { ticket } = await upload(t.api, UNCERTAIN_DOG);
  const image = await waitFor(() => subscriber.events.find((e) => e.id === ticket.imageId && isFinal(e)), 'the puppy classified', 60_000);
  subscriber.stop();
  expect(image).toMatchObject({ status: 'COMPLETED', uncertain: true });
  const alertsFor = (stack: TestStack) => stack.stack.alerts.list().filter((a) => (a.message as { imageId?: string }).imageId === ticket.imageId);
  await waitFor(() => alertsFor(t!).length > 0 || undefined, 'the first SNS alert');
  await t.stop();
  t = undefined;

  const checkpoints = join(stateDir, 'data', 'stream-checkpoints.json');
  writeFileSync(checkpoints, '{"arn:aws:dynamodb:ddblocal:000000000000:table/');
  jest.resetModules();
  t = await startTestStack({ persist: true, stateDir });
  expect(t.log.join('\n')).toMatch(/stream checkpoints .* are unreadable/);
  expect(readdirSync(join(stateDir, 'data')).some((name) => name.startsWith('stream-checkpoints.json.corrupt-'))).toBe(true);
  const kept = (await graphql<{ image: Image | null }>(t.api, GET_IMAGE, { id: ticket.imageId })).image;
  expect(kept).toMatchObject({ id: ticket.imageId, status: 'COMPLETED', uncertain: true });

  // The replay reaches the puppy's final transition again (new checkpoints are written past it)...
  await waitFor(() => {
    try {
      return readFileSync(checkpoints, 'utf8').includes('sequenceNumber') || undefined;
    } catch {
      return undefined;
    }
  }, 'the replayed stream to be checkpointed again');
  await sleep(2_000);
  // ...and no second alert reaches the topic.
  expect(alertsFor(t)).toHaveLength(0);
});
