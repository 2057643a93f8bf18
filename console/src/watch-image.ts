/**
 * Follows one image until it reaches a final status: onImageClassified filtered to its id, plus a
 * re-read of image(id) each time AppSync acknowledges the subscription (the first start, and again
 * after Amplify reconnects a dropped socket). A result published before an ack would never reach this
 * subscriber; the re-read closes that gap.
 */
import { Hub } from 'aws-amplify/utils';
import type { Api, ApiError, Image } from './api';

/** Amplify's CONTROL_MSG.SUBSCRIPTION_ACK, dispatched on the 'api' Hub channel after start_ack. */
const SUBSCRIPTION_ACK = 'Subscription ack';
/** If the ack is never observed (an older Amplify, a dropped event), read anyway after this long. */
const REREAD_FALLBACK_MS = 4000;

export const isFinal = (image: Pick<Image, 'status'>): boolean => image.status === 'COMPLETED' || image.status === 'FAILED';

export interface WatchHandlers {
  onImage: (image: Image) => void;
  onError: (error: ApiError) => void;
}

/** Returns a function that stops watching; watching also stops by itself at a final status. */
export const watchImage = (api: Api, imageId: string, handlers: WatchHandlers): (() => void) => {
  let stopped = false;
  let acknowledged = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopListening();
    clearTimeout(fallback);
    subscription.unsubscribe();
  };
  const deliver = (image: Image) => {
    if (stopped) return;
    handlers.onImage(image);
    if (isFinal(image)) stop();
  };
  const reRead = () => {
    if (stopped) return;
    api.image(imageId).then(
      (image) => image && deliver(image),
      (error: ApiError) => handlers.onError(error),
    );
  };

  const stopListening = Hub.listen('api', ({ payload }) => {
    const variables = (payload.data as { variables?: { id?: string } } | undefined)?.variables;
    if (payload.event === SUBSCRIPTION_ACK && variables?.id === imageId) {
      acknowledged = true;
      reRead();
    }
  });
  const fallback = setTimeout(() => acknowledged || reRead(), REREAD_FALLBACK_MS);
  const subscription = api.onImageClassified(imageId, { next: deliver, error: handlers.onError });
  return stop;
};
