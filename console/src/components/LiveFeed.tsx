import type { Image } from '../api';
import { percent } from '../format';
import { formatBytes } from '../upload/check-file';
import type { UploadItem } from '../upload/use-uploads';

const PHASE_TEXT: Record<UploadItem['phase'], string> = {
  checking: 'Checking file…',
  requesting: 'Asking for an upload ticket…',
  uploading: 'Uploading…',
  classifying: 'Pending: classifying…',
  done: '',
  rejected: 'Rejected',
};

const ResultLine = ({ image }: { image: Image }) =>
  image.status === 'FAILED' ? (
    <p class="result failed">Failed: {image.failureReason ?? 'no reason recorded'}</p>
  ) : (
    <p class="result">
      <strong class={`animal animal-${image.detectedAnimal ?? 'none'}`}>{image.detectedAnimal ?? '—'}</strong>{' '}
      {percent(image.confidence, 1)}
      {image.uncertain && <span class="badge uncertain-badge">Uncertain</span>}
    </p>
  );

interface LiveFeedProps {
  items: UploadItem[];
  /** Thumbnail URLs by image id, once known; until then the local file is shown. */
  thumbnails: Record<string, string>;
  onOpen: (image: Image) => void;
}

export const LiveFeed = ({ items, thumbnails, onOpen }: LiveFeedProps) => (
  <section aria-labelledby="live-title" class="panel">
    <h2 id="live-title">Live feed</h2>
    {items.length === 0 ? (
      <p class="muted">Uploads appear here and turn into results as they are classified.</p>
    ) : (
      <ul class="cards live-cards">
        {items.map((item) => {
          const image = item.image;
          const status = item.phase === 'rejected' ? 'REJECTED' : image?.status ?? 'PENDING';
          return (
            <li
              key={item.key}
              class={`card${image?.uncertain ? ' uncertain' : ''}${item.phase === 'rejected' ? ' rejected' : ''}`}
              data-file={item.fileName}
              data-status={status}
              data-animal={image?.detectedAnimal ?? ''}
            >
              {/* The server's thumbnail once there is one: most browsers cannot show a HEIC file themselves. */}
              <img src={(image && thumbnails[image.id]) || item.previewUrl} alt="" class="thumb" />
              <div class="card-body">
                <p class="file-name" title={item.fileName}>
                  {item.fileName} <span class="muted">{formatBytes(item.fileSize)}</span>
                </p>
                {(item.phase === 'uploading' || item.phase === 'classifying') && (
                  <progress max={1} value={item.progress} aria-label={`Upload progress of ${item.fileName}`}>
                    {Math.round(item.progress * 100)}%
                  </progress>
                )}
                <div aria-live="polite">
                  {item.phase === 'rejected' ? (
                    <p class="error" role="alert">
                      {item.message}
                    </p>
                  ) : image && item.phase === 'done' ? (
                    <ResultLine image={image} />
                  ) : (
                    <p class="muted">{PHASE_TEXT[item.phase]}</p>
                  )}
                  {item.phase !== 'rejected' && item.message && <p class="error small">{item.message}</p>}
                </div>
                {image && item.phase === 'done' && (
                  <button type="button" class="link" onClick={() => onOpen(image)}>
                    Details<span class="visually-hidden"> of {item.fileName}</span>
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    )}
  </section>
);
