/**
 * Signing in to the web console in a real browser (Debian chromium via playwright-core) against a local
 * stack started here, with its cognito-local user pool: users see their own images only, live included;
 * an analyst sees everyone's; wrong credentials get one generic sentence.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { ANALYSTS_GROUP } from '../../functions/core/caller-scope';
import type { ApiTarget } from '../../local/client/graphql';
import { RealtimeClient } from '../../local/client/realtime';
import { signIn } from '../../local/client/sign-in';
import { uploadAndWait } from '../../local/client/watch';
import { LOCAL_CREDENTIALS } from '../../local/common/naming';
import { ensureUser } from '../../local/provision/user-pool';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack';
import { photoPath } from '../fixtures/photos';
import { launchChromium, type Browser } from './support/chromium';

const REPO_ROOT = resolve(__dirname, '../..');
const CONSOLE_DIST = join(REPO_ROOT, 'console', 'dist');
const CAT_PHOTO = photoPath('cat/skimage-chelsea.png');
const SECOND_CAT_PHOTO = photoPath('cat/gdkpixbuf-cat.jpg');
const DOG_PHOTO = photoPath('dog/dlib-dogs-2.jpg');
const CLASSIFIED_WITHIN_MS = 90_000;

const BO = { email: 'bo@example.com', password: 'Bo-password-long-1' };
const CLEO = { email: 'cleo@example.com', password: 'Cleo-password-long-1', group: ANALYSTS_GROUP };
const NEWCOMER = { email: 'newcomer@example.com', temporaryPassword: 'Temporary-pass-1', password: 'Newcomer-chosen-1' };

jest.setTimeout(240_000);

let stack: LocalStack;
let stateDir: string;
let browser: Browser;
let page: Page;

const signInForm = () => page.getByRole('heading', { name: 'Sign in' });
const galleryCards = () => page.locator('.gallery-cards li');

const signInAs = async (email: string, password: string) => {
  await signInForm().waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
};

const signOut = async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInForm().waitFor();
};

/** The gallery's first page has loaded (not merely not started). */
const galleryLoaded = () => page.waitForFunction(() => document.querySelector('.gallery')?.getAttribute('aria-busy') === 'false');

/** Uploads a photo as the demo user from Node, waiting for its event on the demo user's own subscription. */
const uploadAsDemoUser = async (photo: string) => {
  const token = await signIn(
    { userPoolClientId: stack.userPool.userPoolClientId, region: stack.region, endpoint: stack.userPool.endpoint },
    stack.userPool.demoUser.email,
    stack.userPool.demoUser.password,
  );
  const target: ApiTarget = { graphqlUrl: stack.endpoints.graphqlUrl, headers: { Authorization: token } };
  const realtime = new RealtimeClient({ realtimeUrl: stack.endpoints.realtimeUrl, graphqlUrl: stack.endpoints.graphqlUrl, token });
  await realtime.connect();
  try {
    const fileName = basename(photo);
    const outcome = await uploadAndWait(target, realtime, { fileName, contentType: 'image/jpeg', bytes: await readFile(photo) }, {
      timeoutMs: CLASSIFIED_WITHIN_MS,
      fallbackPollMs: 60_000,
    });
    expect(outcome).toMatchObject({ via: 'subscription', image: { status: 'COMPLETED' } });
    return outcome;
  } finally {
    realtime.close();
  }
};

beforeAll(async () => {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'console'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  stateDir = await mkdtemp(join(tmpdir(), 'pet-detector-sign-in-'));
  stack = await startLocalStack({ port: 0, stateDir, persist: false, writeOutputs: false, staticDir: CONSOLE_DIST });
  const idp = new CognitoIdentityProviderClient({ region: stack.region, endpoint: stack.userPool.endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureUser(idp, stack.userPool.userPoolId, BO);
    await ensureUser(idp, stack.userPool.userPoolId, CLEO);
    // As an administrator makes users in a real pool: a temporary password, to be replaced at first sign-in.
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.userPool.userPoolId,
        Username: NEWCOMER.email,
        TemporaryPassword: NEWCOMER.temporaryPassword,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: NEWCOMER.email }, { Name: 'email_verified', Value: 'true' }],
      }),
    );
  } finally {
    idp.destroy();
  }
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('signing in to the web console on the local stack', () => {
  test('serves config.json with the user pool, its client and the Cognito endpoint', async () => {
    const response = await fetch(new URL('config.json', stack.outputs.ConsoleUrl));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      GraphQLApiUrl: '/graphql',
      GraphQLApiKey: stack.apiKey,
      Region: stack.region,
      Local: true,
      UserPoolId: stack.outputs.UserPoolId,
      UserPoolClientId: stack.outputs.UserPoolClientId,
      CognitoEndpoint: stack.outputs.CognitoEndpoint,
    });
  });

  test('answers a wrong password and an unknown email with the same sentence, after a visible wait', async () => {
    // Cognito's answers are held back a little, so the waiting state can be seen.
    await page.route(
      (url) => url.href.startsWith(stack.userPool.endpoint),
      async (route) => {
        await new Promise((done) => setTimeout(done, 400));
        await route.continue();
      },
    );
    await page.goto(stack.outputs.ConsoleUrl!);
    await signInAs(stack.userPool.demoUser.email, 'Not-the-password-1');
    await page.getByRole('button', { name: 'Signing in…' }).waitFor();
    expect(await page.getByRole('button', { name: 'Signing in…' }).isDisabled()).toBe(true);
    await page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' }).waitFor();

    await signInAs('nobody@example.com', 'Not-the-password-1');
    await page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toBe('Incorrect email or password.');
    await page.unrouteAll();
  });

  test('signs the demo user in, and their photo is classified live over user-pool auth', async () => {
    const graphqlHeaders: Array<Record<string, string>> = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') graphqlHeaders.push(request.headers());
    });
    await signInAs(stack.userPool.demoUser.email, stack.userPool.demoUser.password);
    await page.locator('[data-user-email]', { hasText: stack.userPool.demoUser.email }).waitFor();
    expect(await page.locator('.badge.analyst').count()).toBe(0);

    await page.getByLabel('choose files').setInputFiles([CAT_PHOTO]);
    const card = page.locator('.live-cards li[data-file="skimage-chelsea.png"][data-status="COMPLETED"]');
    await card.waitFor({ timeout: CLASSIFIED_WITHIN_MS });
    expect(await card.getAttribute('data-animal')).toBe('CAT');
    await page.locator('[data-stat="CAT"]', { hasText: '1' }).waitFor();

    // Every call carried the user's token, none the API key.
    expect(graphqlHeaders.length).toBeGreaterThan(0);
    for (const headers of graphqlHeaders) {
      expect(headers.authorization).toMatch(/^eyJ/);
      expect(headers['x-api-key']).toBeUndefined();
    }
  });

  test('keeps the session over a reload', async () => {
    await page.reload();
    await page.locator('[data-user-email]', { hasText: stack.userPool.demoUser.email }).waitFor();
    await galleryCards().filter({ hasText: 'skimage-chelsea.png' }).waitFor();
  });

  test('signs out, and a reload stays signed out', async () => {
    await signOut();
    await page.reload();
    await signInForm().waitFor();
    expect(await page.locator('[data-user-email]').count()).toBe(0);
  });

  test("shows a second user none of the demo user's images, not even live ones", async () => {
    await signInAs(BO.email, BO.password);
    await page.locator('[data-user-email]', { hasText: BO.email }).waitFor();
    await galleryLoaded();
    await page.getByText('No image matches these filters.').waitFor();
    expect(await page.locator('[data-stat="CAT"]').innerText()).toBe('0');
    await page.getByText('Live updates: connected').waitFor();

    // Published while this page is subscribed: the demo user's own subscription receives it, this one must not.
    await uploadAsDemoUser(SECOND_CAT_PHOTO);
    await new Promise((done) => setTimeout(done, 1500));
    expect(await galleryCards().count()).toBe(0);
    expect(await page.locator('[data-stat="CAT"]').innerText()).toBe('0');
    await signOut();
  });

  test("shows an analyst everyone's images, new ones live, and no upload zone", async () => {
    await signInAs(CLEO.email, CLEO.password);
    await page.locator('[data-user-email]', { hasText: CLEO.email }).waitFor();
    await page.locator('.badge.analyst').waitFor();
    expect(await page.getByLabel('choose files').count()).toBe(0);
    await galleryCards().filter({ hasText: 'skimage-chelsea.png' }).waitFor();
    await galleryCards().filter({ hasText: 'gdkpixbuf-cat.jpg' }).waitFor();
    await page.locator('[data-stat="CAT"]', { hasText: '2' }).waitFor();
    await page.getByText('Live updates: connected').waitFor();

    await uploadAsDemoUser(DOG_PHOTO);
    await galleryCards().filter({ hasText: 'dlib-dogs-2.jpg' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-stat="DOG"]', { hasText: '1' }).waitFor();
    await signOut();
  });

  test('has a user with a temporary password choose a new one at first sign-in', async () => {
    await signInAs(NEWCOMER.email, NEWCOMER.temporaryPassword);
    await page.getByLabel('New password').fill(NEWCOMER.password);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.locator('[data-user-email]', { hasText: NEWCOMER.email }).waitFor();
    await signOut();
    await signInAs(NEWCOMER.email, NEWCOMER.password);
    await page.locator('[data-user-email]', { hasText: NEWCOMER.email }).waitFor();
  });
});
