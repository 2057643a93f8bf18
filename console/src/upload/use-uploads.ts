/**
 * The upload pipeline of the live feed, one card per file:
 * checking -> (rejected | requesting ticket -> uploading -> classifying -> result).
 * At most MAX_PARALLEL files are sent at once so many files do not starve each other's progress.
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type Image } from '../api';
import { isFinal, watchImage } from '../watch-image';
import { checkFile } from './check-file';
import { postFile, UploadRejected } from './post-file';

export type UploadPhase = 'checking' | 'requesting' | 'uploading' | 'classifying' | 'done' | 'rejected';

export interface UploadItem {
  key: number;
  fileName: string;
  fileSize: number;
  /** An object URL of the local file: the card shows the photo before anything is stored. */
  previewUrl: string;
  phase: UploadPhase;
  /** 0-1, from the upload's progress events. */
  progress: number;
  message?: string;
  imageId?: string;
  image?: Image;
}

const MAX_PARALLEL = 3;
/**
 * Per-image subscriptions open at once. AppSync allows 100 subscriptions per connection; beyond this
 * many, an upload is followed through the page-wide subscription (applyLive) plus one re-read instead.
 * That subscription was started before the upload, so no result can slip past it.
 */
const MAX_WATCHES = 40;

/** requestUpload's errorTypes (functions/core/errors.ts) in words. */
const describeTicketError = (error: ApiError): string => {
  switch (error.errorType) {
    case 'UnsupportedContentType':
      return `Wrong type: ${error.message}`;
    case 'FileTooLarge':
    case 'InvalidFileSize':
      return `Size refused: ${error.message}`;
    case 'InvalidFileName':
      return `Name refused: ${error.message}`;
    case 'UnauthorizedException':
      return 'Not allowed: the console API key was refused (expired or wrong).';
    default:
      return `No upload ticket: ${error.message}`;
  }
};

const limiter = (limit: number) => {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
};

export const useUploads = (api: Api, maxUploadBytes: number, onImage: (image: Image) => void) => {
  const [items, setItems] = useState<UploadItem[]>([]);
  const nextKey = useRef(1);
  const runLimited = useRef(limiter(MAX_PARALLEL));
  const onImageRef = useRef(onImage);
  onImageRef.current = onImage;
  const activeWatches = useRef(0);

  const update = (key: number, change: Partial<UploadItem>) =>
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const uploadOne = async (key: number, file: File) => {
    const check = await checkFile(file, maxUploadBytes);
    if (!check.ok) return update(key, { phase: 'rejected', message: check.reason });
    await runLimited.current(async () => {
      update(key, { phase: 'requesting' });
      let imageId: string;
      try {
        const ticket = await api.requestUpload({ fileName: file.name, contentType: check.contentType, fileSize: file.size });
        imageId = ticket.imageId;
        update(key, { phase: 'uploading', imageId });
        await postFile(ticket, file, (progress) => update(key, { progress }));
      } catch (error) {
        const message =
          error instanceof ApiError ? describeTicketError(error) : error instanceof UploadRejected ? error.message : String(error);
        return update(key, { phase: 'rejected', message });
      }
      update(key, { phase: 'classifying', progress: 1 });
      const show = (image: Image) => {
        update(key, { image, phase: isFinal(image) ? 'done' : 'classifying' });
        onImageRef.current(image);
      };
      if (activeWatches.current >= MAX_WATCHES) {
        api.image(imageId).then((image) => image && show(image), () => undefined);
        return;
      }
      activeWatches.current += 1;
      let watching = true;
      watchImage(api, imageId, {
        onImage: (image) => {
          if (watching && isFinal(image)) {
            watching = false;
            activeWatches.current -= 1;
          }
          show(image);
        },
        onError: (error) => update(key, { message: `Live updates interrupted: ${error.message}` }),
      });
    });
  };

  /** A result from the page-wide subscription: completes the card of an upload that has no watch of its own. */
  const applyLive = useCallback(
    (image: Image) =>
      setItems((current) =>
        current.some((item) => item.imageId === image.id && item.phase === 'classifying')
          ? current.map((item) =>
              item.imageId === image.id && item.phase === 'classifying'
                ? { ...item, image, phase: isFinal(image) ? 'done' : 'classifying' }
                : item,
            )
          : current,
      ),
    [],
  );

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      const added = [...files].map((file) => ({ file, key: nextKey.current++ }));
      setItems((current) => [
        ...added.map(({ file, key }): UploadItem => ({
          key,
          fileName: file.name,
          fileSize: file.size,
          previewUrl: URL.createObjectURL(file),
          phase: 'checking',
          progress: 0,
        })),
        ...current,
      ]);
      for (const { file, key } of added) void uploadOne(key, file);
    },
    // uploadOne reads only these, refs and the stable setItems.
    [api, maxUploadBytes],
  );

  return { items, addFiles, applyLive };
};
