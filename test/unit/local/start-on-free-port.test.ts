/** startOnFreePort: a child that finds its port taken starts again on a fresh one, a bounded number of times. */
import { EmulatorStartError, PortInUseError } from '../../../local/emulators/errors';
import { startOnFreePort } from '../../../local/emulators/free-port';

const portsFrom = (...ports: number[]) => {
  const handedOut: number[] = [];
  const next = async (): Promise<number> => {
    const port = ports[handedOut.length]!;
    handedOut.push(port);
    return port;
  };
  return { handedOut, next };
};
const taken = () => new PortInUseError('DynamoDB Local', 'exited during start-up: java.net.BindException: Address already in use');

it('starts on a fresh port when the one it was given was taken, and returns what the child started on', async () => {
  const ports = portsFrom(5001, 5002);
  const started = await startOnFreePort(async (port) => {
    if (port === 5001) throw taken();
    return { port };
  }, ports.next);
  expect(started).toEqual({ port: 5002 });
  expect(ports.handedOut).toEqual([5001, 5002]);
});

it('gives up after three taken ports with the named error, still an EmulatorStartError', async () => {
  const ports = portsFrom(5001, 5002, 5003, 5004);
  const start = startOnFreePort(async () => Promise.reject(taken()), ports.next);
  await expect(start).rejects.toBeInstanceOf(PortInUseError);
  await expect(start).rejects.toBeInstanceOf(EmulatorStartError);
  expect(ports.handedOut).toEqual([5001, 5002, 5003]);
});

it('does not retry a start that failed for any other reason', async () => {
  const ports = portsFrom(5001, 5002);
  const failure = new EmulatorStartError('DynamoDB Local', 'not serving after 30000 ms');
  await expect(startOnFreePort(async () => Promise.reject(failure), ports.next)).rejects.toBe(failure);
  expect(ports.handedOut).toEqual([5001]);
});
