/**
 * The CLI as a signed-in user, on the real local stack (cognito-local, the pipeline, the local model):
 * `users add` makes confirmed users, `upload --username/--password` uploads as one, `list --username/--password`
 * lists that user's own images (an analyst's: everyone's); without credentials where the stage has no API key,
 * each command names SignInRequiredError, says how to sign in and exits 3.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GET_IMAGE, graphql, type Image } from '../../../local/client/graphql';
import { main as listCli } from '../../../local/cli/list';
import { EXIT } from '../../../local/cli/target';
import { main as uploadCli } from '../../../local/cli/upload';
import { main as usersCli } from '../../../local/cli/users';
import { photoPath } from '../../fixtures/photos';
import { startTestStack, type TestStack } from './helpers';

jest.setTimeout(180_000);

const OWNER = { email: 'owner@cli.test', password: 'Cli-owner-password-1' };
const ANALYST = { email: 'analyst@cli.test', password: 'Cli-analyst-password-1' };

/** Runs one command in-process and returns its exit code and what it printed. */
const run = async (main: (args: string[]) => Promise<number>, args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  try {
    const code = await main(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};

let t: TestStack;
let outputs: string;
/** The same stack's outputs as a stage without API-key access writes them: no GraphQLApiKey. */
let outputsWithoutKey: string;

beforeAll(async () => {
  t = await startTestStack({ writeOutputs: true });
  outputs = join(t.stateDir, 'outputs.json');
  const { GraphQLApiKey: _key, ...rest } = JSON.parse(readFileSync(outputs, 'utf8')) as Record<string, unknown>;
  outputsWithoutKey = join(t.stateDir, 'outputs-without-key.json');
  writeFileSync(outputsWithoutKey, JSON.stringify(rest));
});

afterAll(async () => {
  await t?.stop();
});

describe('users add', () => {
  it('creates a confirmed user who can sign in, and updates the password when run again', async () => {
    const created = await run(usersCli, ['add', OWNER.email, '--password', OWNER.password, '--outputs', outputs]);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Created owner@cli\.test in /) });
    const again = await run(usersCli, ['add', OWNER.email, '--password', OWNER.password, '--outputs', outputs]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Updated owner@cli\.test in /) });
  });

  it('adds an analyst with --group analysts', async () => {
    const added = await run(usersCli, ['add', ANALYST.email, '--password', ANALYST.password, '--group', 'analysts', '--outputs', outputs]);
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('(group analysts)') });
  });

  it('refuses a weak password and an unknown group before any call, with exit code 2', async () => {
    expect(await run(usersCli, ['add', 'weak@cli.test', '--password', 'short', '--outputs', outputs])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^Refused: the password needs at least \d+ characters/),
    });
    expect(await run(usersCli, ['add', 'x@cli.test', '--password', OWNER.password, '--group', 'admins', '--outputs', outputs])).toMatchObject({
      code: 2,
      stderr: 'Refused: the only group is analysts.',
    });
  });
});

describe('upload and list as a signed-in user', () => {
  let imageId: string;
  let publicImageId: string;

  const uploadOne = async (credentials: string[], file: string, animal: string): Promise<string> => {
    const uploaded = await run(uploadCli, ['--json', '--outputs', outputs, ...credentials, photoPath(file)]);
    expect(uploaded.code).toBe(0);
    const [result] = JSON.parse(uploaded.stdout) as Array<{ imageId: string; status: string; animal: string }>;
    expect(result).toMatchObject({ status: 'COMPLETED', animal });
    return result!.imageId;
  };

  beforeAll(async () => {
    imageId = await uploadOne(['--username', OWNER.email, '--password', OWNER.password], 'cat/taquin-1-maine.jpg', 'CAT');
    // Someone else's image, so that "only their own" is a real distinction: the API key's public tenant uploads one.
    publicImageId = await uploadOne([], 'dog/dlib-dogs-2.jpg', 'DOG');
  });

  it("uploads as that user: the image is theirs, and the API key's public tenant cannot read it", async () => {
    const asApiKey = await graphql<{ image: Image | null }>(t.api, GET_IMAGE, { id: imageId });
    expect(asApiKey.image).toBeNull();
  });

  it("lists the signed-in user's own images and no one else's", async () => {
    const listed = await run(listCli, ['--json', '--outputs', outputs, '--username', OWNER.email, '--password', OWNER.password]);
    expect(listed.code).toBe(0);
    const { items } = JSON.parse(listed.stdout) as { items: Image[] };
    expect(items.map((i) => i.id)).toEqual([imageId]);
  });

  it("lists everyone's images for an analyst, and only the public tenant's with the API key", async () => {
    const asAnalyst = await run(listCli, ['--json', '--outputs', outputs, '--username', ANALYST.email, '--password', ANALYST.password]);
    expect((JSON.parse(asAnalyst.stdout) as { items: Image[] }).items.map((i) => i.id).sort()).toEqual([imageId, publicImageId].sort());
    const asApiKey = await run(listCli, ['--json', '--outputs', outputs]);
    expect(asApiKey.code).toBe(0);
    expect((JSON.parse(asApiKey.stdout) as { items: Image[] }).items.map((i) => i.id)).toEqual([publicImageId]);
  });

  it('names a failed sign-in and exits 1', async () => {
    for (const [main, extra] of [[listCli, []], [uploadCli, [photoPath('cat/taquin-1-maine.jpg')]]] as const) {
      const failed = await run(main, ['--outputs', outputs, '--username', OWNER.email, '--password', 'Not-the-password-1', ...extra]);
      expect(failed).toMatchObject({ code: EXIT.failed, stderr: expect.stringContaining(`Sign-in as ${OWNER.email} failed`) });
    }
  });
});

describe('without credentials where the stage has no API key', () => {
  it.each([
    ['list', listCli, [] as string[]],
    ['upload', uploadCli, [photoPath('cat/taquin-1-maine.jpg')]],
  ])('%s names SignInRequiredError, says how to sign in and exits 3', async (_name, main, extra) => {
    for (const target of [['--outputs', outputsWithoutKey], ['--endpoint', t.stack.endpoints.graphqlUrl]]) {
      const refused = await run(main, [...target, ...extra]);
      expect(refused.code).toBe(EXIT.signInRequired);
      expect(refused.stderr).toMatch(/^SignInRequiredError: .*sign in with --username <email> --password <password>.*pet-detector users add/);
    }
  });

  it('exits the process with code 3 from the real command line', () => {
    const result = spawnSync(process.execPath, [join(__dirname, '../../../bin/pet-detector.mjs'), 'list', '--outputs', outputsWithoutKey], { encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('SignInRequiredError: This API takes no API key here: sign in with --username');
  });
});
