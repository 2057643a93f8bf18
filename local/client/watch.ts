/**
 * Uploads a file through the public API and waits for its final classification, as a careful client
 * does: subscribe to its id (start_ack) before the POST so the event cannot be missed, and re-read
 * image(id) as a fallback in case an event was lost anyway (AppSync gives no delivery guarantee).
 */
import { GET_IMAGE, graphql, ON_IMAGE_CLASSIFIED, type ApiTarget, type Image } from './graphql';
import type { RealtimeClient } from './realtime';
import { postToTicket, requestUpload } from './upload';

export interface UploadOutcome {
  fileName: string;
  imageId?: string;
  image?: Image;
  /** requestUpload -> the subscription event (or the fallback read) with a final status. */
  latencyMs?: number;
  /** How the final state arrived. */
  via?: 'subscription' | 'query';
  error?: string;
}

const FINAL = new Set(['COMPLETED', 'FAILED']);

export const uploadAndWait = async (
  target: ApiTarget,
  realtime: RealtimeClient,
  file: { fileName: string; contentType: string; bytes: Uint8Array },
  options: { timeoutMs?: number; fallbackPollMs?: number } = {},
): Promise<UploadOutcome> => {
  const started = Date.now();
  let ticket;
  try {
    ticket = await requestUpload(target, { fileName: file.fileName, contentType: file.contentType, fileSize: file.bytes.length });
  } catch (error) {
    return { fileName: file.fileName, error: (error as Error).message };
  }
  const imageId = ticket.imageId;
  let settle: (outcome: UploadOutcome) => void = () => undefined;
  const result = new Promise<UploadOutcome>((resolve) => (settle = resolve));
  const finish = (image: Image, via: 'subscription' | 'query') =>
    settle({ fileName: file.fileName, imageId, image, latencyMs: Date.now() - started, via });

  const subscription = await realtime.subscribe<{ onImageClassified: Image | null }>(ON_IMAGE_CLASSIFIED, { id: imageId }, (data) => {
    const image = data.onImageClassified;
    if (image && FINAL.has(image.status)) finish(image, 'subscription');
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    const posted = await postToTicket(ticket, file.bytes, { fileName: file.fileName, contentType: file.contentType });
    if (posted.status >= 300) {
      return { fileName: file.fileName, imageId, error: `upload refused: ${posted.errorCode ?? posted.status}` };
    }
    const poll = async () => {
      const { image } = await graphql<{ image: Image | null }>(target, GET_IMAGE, { id: imageId }).catch(() => ({ image: null }));
      if (image && FINAL.has(image.status)) finish(image, 'query');
    };
    timers.push(setInterval(() => void poll(), options.fallbackPollMs ?? 5_000));
    timers.push(
      setTimeout(
        () => settle({ fileName: file.fileName, imageId, error: `no result within ${options.timeoutMs ?? 60_000} ms` }),
        options.timeoutMs ?? 60_000,
      ),
    );
    return await result;
  } finally {
    timers.forEach((t) => clearTimeout(t));
    subscription.stop();
  }
};
