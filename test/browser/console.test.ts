/**
 * The web console in a real browser (Debian chromium via playwright-core) against a local stack started
 * here: photos go through the page's own upload path, results arrive over the subscription, and the
 * gallery, filters and detail view read the API like any AppSync client.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { GET_IMAGE, graphql, type Image } from '../../local/client/graphql';
import { postToTicket, requestUpload } from '../../local/client/upload';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack';
import { photoPath } from '../fixtures/photos';
import { launchChromium, type Browser } from './support/chromium';

const REPO_ROOT = resolve(__dirname, '../..');
const CONSOLE_DIST = join(REPO_ROOT, 'console', 'dist');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const CAT_PHOTO = photoPath('cat/skimage-chelsea.png');
const DOG_PHOTO = photoPath('dog/dlib-dogs-2.jpg');
/** A 96 px puppy the classifier calls DOG below the confident threshold (as test/integration/local-stack pins it). */
const UNCERTAIN_DOG_PHOTO = photoPath('dog/gnomefaces-puppy.jpg');
const OUTAGE_CAT_PHOTO = photoPath('cat/gdkpixbuf-cat.jpg');
const CLASSIFIED_WITHIN_MS = 90_000;

jest.setTimeout(240_000);

let stack: LocalStack;
let stateDir: string;
let browser: Browser;
let page: Page;
const webSocketUrls: string[] = [];
/** How far the upload gateway's clock runs ahead of real time: a way to present an expired ticket. */
let gatewayClockSkewMs = 0;

const liveCard = (fileName: string, status?: string) =>
  page.locator(`.live-cards li[data-file="${fileName}"]${status ? `[data-status="${status}"]` : ''}`);

/** The Insights view agrees with itself: the bars' total (read from the chart's data) and the table's. */
const insightsShowTotal = async (total: number) => {
  await page.locator(`.insights canvas[data-total="${total}"]`).waitFor();
  await page.locator('.insights [data-stat="total"]', { hasText: new RegExp(`^${total}$`) }).waitFor();
};
const stillTheSameDocument = async () =>
  expect(await page.evaluate(() => (window as unknown as { consoleTestMark?: string }).consoleTestMark)).toBe('no-reload');
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  // A clean clone has no build yet; `npm test` builds it in verify, a lone run builds it here.
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'console'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  await mkdir(ARTIFACTS, { recursive: true });
  stateDir = await mkdtemp(join(tmpdir(), 'pet-detector-browser-'));
  stack = await startLocalStack({
    port: 0,
    stateDir,
    persist: false,
    writeOutputs: false,
    staticDir: CONSOLE_DIST,
    uploadClock: () => new Date(Date.now() + gatewayClockSkewMs),
  });
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('websocket', (socket) => webSocketUrls.push(socket.url()));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('web console on the local stack', () => {
  test('serves the console and its run-time config on the API origin', async () => {
    const consoleUrl = stack.outputs.ConsoleUrl;
    expect(consoleUrl).toBeDefined();
    await page.goto(consoleUrl!);
    // These steps use the public tenant (the local API key); sign-in is test/browser/sign-in.test.ts.
    await page.getByRole('button', { name: 'Continue without signing in' }).click();
    await page.getByRole('heading', { name: 'Pet detector' }).waitFor();
    await page.getByRole('heading', { name: 'Gallery' }).waitFor();
    await page.getByText('No image matches these filters.').waitFor();
    await page.getByRole('heading', { name: 'Insights' }).waitFor();
    await insightsShowTotal(0);
    // Marks this document: if anything reloaded the page, the mark would be gone.
    await page.evaluate(() => Object.assign(window, { consoleTestMark: 'no-reload' }));
  });

  test('uploads a cat and a dog through the page and shows both results live', async () => {
    // Notes every upload progress bar the page shows, however briefly.
    await page.evaluate(() => {
      const seen = new Set<string>();
      Object.assign(window, { progressBarsSeen: seen });
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('progress')) seen.add(bar.getAttribute('aria-label') ?? '');
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await page.getByLabel('choose files').setInputFiles([CAT_PHOTO, DOG_PHOTO]);

    const cat = liveCard('skimage-chelsea.png');
    const dog = liveCard('dlib-dogs-2.jpg');
    // Each card starts pending and moves to its result without a reload.
    await liveCard('skimage-chelsea.png', 'COMPLETED').waitFor({ timeout: CLASSIFIED_WITHIN_MS });
    await liveCard('dlib-dogs-2.jpg', 'COMPLETED').waitFor({ timeout: CLASSIFIED_WITHIN_MS });
    expect(await cat.getAttribute('data-animal')).toBe('CAT');
    expect(await dog.getAttribute('data-animal')).toBe('DOG');
    await expect(cat.locator('.result').innerText()).resolves.toMatch(/^CAT \d+(\.\d)?%/);
    await expect(dog.locator('.result').innerText()).resolves.toMatch(/^DOG \d+(\.\d)?%/);
    await stillTheSameDocument();
    const bars = await page.evaluate(() => [...(window as unknown as { progressBarsSeen: Set<string> }).progressBarsSeen].sort());
    expect(bars).toEqual(['Upload progress of dlib-dogs-2.jpg', 'Upload progress of skimage-chelsea.png']);

    // Amplify asked for wss://; the local-mode WebSocket took it to plain ws:// on the same server.
    expect(webSocketUrls.length).toBeGreaterThan(0);
    for (const url of webSocketUrls) expect(url).toMatch(new RegExp(`^ws://${new URL(stack.outputs.ConsoleUrl!).host}/graphql/realtime`));

    // The Insights view counts what imageStats holds, re-read as the results arrived.
    await insightsShowTotal(2);
    await page.locator('[data-stat="CAT"]', { hasText: '1' }).waitFor();
    await page.locator('[data-stat="DOG"]', { hasText: '1' }).waitFor();
    await stillTheSameDocument();
    await page.locator('.gallery-cards li').nth(1).waitFor();
    await page.locator('.gallery-cards li img.thumb').nth(1).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'console-gallery.png'), fullPage: true });
  });

  test('filters the gallery to dogs through images(filter)', async () => {
    await page.getByLabel('Animal', { exact: true }).selectOption('DOG');
    const cards = page.locator('.gallery-cards li');
    await page.waitForFunction(() => {
      const items = [...document.querySelectorAll('.gallery-cards li')];
      return document.querySelector('.gallery')?.getAttribute('aria-busy') === 'false' && items.length === 1;
    });
    expect(await cards.count()).toBe(1);
    expect(await cards.first().getAttribute('data-animal')).toBe('DOG');
    await expect(cards.first().innerText()).resolves.toContain('dlib-dogs-2.jpg');
  });

  test('opens the detail view with bounding boxes over the stored image', async () => {
    await page.locator('.gallery-cards li button').first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const image = dialog.locator('.image-frame img');
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('dialog .image-frame img');
      return Boolean(img?.complete && img.naturalWidth > 0);
    });
    const boxes = dialog.locator('.bounding-box');
    expect(await boxes.count()).toBeGreaterThan(0);
    const box = await boxes.first().boundingBox();
    const frame = await dialog.locator('.image-frame').boundingBox();
    // A real box: it has an area and lies within the image.
    expect(box && frame).toBeTruthy();
    expect(box!.width).toBeGreaterThan(4);
    expect(box!.height).toBeGreaterThan(4);
    expect(box!.x).toBeGreaterThanOrEqual(frame!.x - 1);
    expect(box!.x + box!.width).toBeLessThanOrEqual(frame!.x + frame!.width + 1);
    await expect(dialog.locator('table.labels').innerText()).resolves.toMatch(/dog/i);
    await expect(dialog.locator('.fields').innerText()).resolves.toContain('COMPLETED');
    await dialog.screenshot({ path: join(ARTIFACTS, 'console-detail.png') });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('highlights an uncertain result and lists the SNS alert it raised', async () => {
    await page.getByLabel('choose files').setInputFiles(UNCERTAIN_DOG_PHOTO);
    const card = liveCard('gnomefaces-puppy.jpg', 'COMPLETED');
    await card.waitFor({ timeout: CLASSIFIED_WITHIN_MS });
    expect(await card.getAttribute('class')).toContain('uncertain');
    await card.getByText('Uncertain', { exact: true }).waitFor();
    await page.locator('[data-stat="uncertain-rate"]', { hasText: '33.3% (1/3)' }).waitFor();
    // Three photos uploaded through the page, three counted in the chart, which moved from 2 without a reload.
    await insightsShowTotal(3);
    await stillTheSameDocument();

    // The stack's SNS topic -> SQS inbox -> GET /local/alerts, polled by the page.
    const alerts = page.getByRole('region', { name: 'Uncertain alerts (local SNS)' });
    await alerts.getByRole('button', { name: /Open image/ }).waitFor({ timeout: 30_000 });
    await expect(alerts.locator('li').first().innerText()).resolves.toMatch(/DOG/);
    await alerts.getByRole('button', { name: /Open image/ }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'gnomefaces-puppy.jpg' }).waitFor();
    await dialog.getByRole('note').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('draws the chosen range by the hour or the day, and names a range the API refuses', async () => {
    const insights = page.getByRole('region', { name: 'Insights' });
    // Yesterday and today: hours, 48 of them, holding the same three images.
    await insights.getByLabel('From (UTC)').fill(utcDay(-1));
    await insights.getByLabel('To (UTC)').fill(utcDay(0));
    await insights.getByText('Figures per hour').waitFor();
    await insightsShowTotal(3);

    // 40 days of hours is more than the 744 buckets one call may return: the server's error, by name.
    await insights.getByLabel('Group by', { exact: true }).selectOption('HOUR');
    await insights.getByLabel('From (UTC)').fill(utcDay(-40));
    await expect(insights.getByRole('alert').innerText()).resolves.toMatch(/^Statistics unavailable: StatsRangeTooLarge: /);

    await insights.getByRole('button', { name: 'Last 30 days' }).click();
    await insights.getByLabel('Group by', { exact: true }).selectOption('AUTO');
    await insights.getByText('Figures per day').waitFor();
    expect(await insights.getByRole('alert').count()).toBe(0);
    await insightsShowTotal(3);
  });

  test('refuses a text file renamed .jpg in words, before asking for a ticket', async () => {
    const requests: string[] = [];
    const onRequest = (request: { method(): string; postData(): string | null }) => {
      if (request.method() === 'POST' && request.postData()?.includes('requestUpload')) requests.push('requestUpload');
    };
    page.on('request', onRequest);
    // Dropped onto the zone, as a file manager would: the browser types it image/jpeg from its name.
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['These are notes, not a photo.\n'], 'notes.jpg', { type: 'image/jpeg' }));
      return transfer;
    });
    await page.locator('.upload-zone').dispatchEvent('drop', { dataTransfer });
    const card = liveCard('notes.jpg');
    await liveCard('notes.jpg', 'REJECTED').waitFor();
    await expect(card.getByRole('alert').innerText()).resolves.toMatch(/Not an image/);
    page.off('request', onRequest);
    expect(requests).toEqual([]);
  });

  test('refuses a file over the size limit in words, before asking for a ticket', async () => {
    // Made inside the page: 16 MB through the DevTools protocol would only slow the test down.
    const dataTransfer = await page.evaluateHandle(() => {
      const bytes = new Uint8Array(16 * 1024 * 1024);
      bytes.set([0xff, 0xd8, 0xff, 0xe0]);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'huge.jpg', { type: 'image/jpeg' }));
      return transfer;
    });
    await page.locator('.upload-zone').dispatchEvent('drop', { dataTransfer });
    const card = liveCard('huge.jpg', 'REJECTED');
    await card.waitFor();
    await expect(card.getByRole('alert').innerText()).resolves.toBe('Too large: 16.0 MB exceeds the 15.0 MB limit.');
  });

  test('explains storage refusing an expired ticket, from S3\'s XML error', async () => {
    // The ticket is fresh in the browser, but by the gateway's clock it ran out an hour ago.
    gatewayClockSkewMs = 2 * 60 * 60 * 1000;
    try {
      const cat = await readFile(CAT_PHOTO);
      await page.getByLabel('choose files').setInputFiles({ name: 'late-cat.png', mimeType: 'image/png', buffer: cat });
      const card = liveCard('late-cat.png', 'REJECTED');
      await card.waitFor({ timeout: 30_000 });
      await expect(card.getByRole('alert').innerText()).resolves.toMatch(/^Ticket expired:/);
    } finally {
      gatewayClockSkewMs = 0;
    }
  });

  test('labels every control and reaches the picker by keyboard at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button')]
        .filter((control) => !(control.labels?.length || control.getAttribute('aria-label') || control.textContent?.trim()))
        .map((control) => control.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // Tab from the top of a freshly loaded page (the public-tenant choice survives it): the skip link, the
    // header's sign-in, then the file picker.
    await page.reload();
    await page.getByRole('heading', { name: 'Gallery' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to gallery');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('file-input');
  });
  test('reads the gallery and figures again after the live connection drops and comes back', async () => {
    // Every real-time socket of the page now passes through here, so the test can cut it and hold it shut.
    const sockets: WebSocketRoute[] = [];
    let refuse = false;
    await page.routeWebSocket(/\/graphql\/realtime/, (socket) => {
      if (refuse) return void socket.close();
      socket.connectToServer();
      sockets.push(socket);
    });
    await page.reload();
    await page.getByText('Live updates: connected').waitFor();
    await page.locator('[data-stat="CAT"]', { hasText: '1' }).waitFor();

    refuse = true;
    await sockets[0]?.close();
    await page.getByText('Live updates: interrupted, reconnecting…').waitFor();

    // Classified and published while the page has no subscription at all: only a re-read can show it.
    const api = { graphqlUrl: stack.endpoints.graphqlUrl, apiKey: stack.apiKey };
    const bytes = await readFile(OUTAGE_CAT_PHOTO);
    const ticket = await requestUpload(api, { fileName: 'gdkpixbuf-cat.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
    expect((await postToTicket(ticket, bytes, { fileName: 'gdkpixbuf-cat.jpg', contentType: 'image/jpeg' })).status).toBeLessThan(300);
    const deadline = Date.now() + CLASSIFIED_WITHIN_MS;
    let image: Image | null = null;
    while (image?.status !== 'COMPLETED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      image = (await graphql<{ image: Image | null }>(api, GET_IMAGE, { id: ticket.imageId })).image;
    }
    expect(image).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT' });
    expect(await page.locator(`.gallery-cards li[data-id="${ticket.imageId}"]`).count()).toBe(0);

    refuse = false;
    await page.getByText('Live updates: connected').waitFor({ timeout: 30_000 });
    await page.locator(`.gallery-cards li[data-id="${ticket.imageId}"][data-animal="CAT"]`).waitFor();
    await page.locator('[data-stat="CAT"]', { hasText: '2' }).waitFor();
  });
});
