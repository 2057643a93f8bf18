import type { Image } from '../api';
import { animalName, dateTime, percent } from '../format';

interface GalleryProps {
  items: Image[];
  urls: Record<string, string>;
  loading: boolean;
  error?: string;
  hasMore: boolean;
  onLoadMore: () => void;
  onOpen: (image: Image) => void;
}

const caption = (image: Image): string =>
  image.status === 'COMPLETED'
    ? `${animalName(image.detectedAnimal)} ${percent(image.confidence)}`
    : image.status === 'FAILED'
      ? 'Failed'
      : 'Pending';

export const Gallery = ({ items, urls, loading, error, hasMore, onLoadMore, onOpen }: GalleryProps) => (
  <div class="gallery" aria-busy={loading}>
    {error && (
      <p class="error" role="alert">
        Could not load images: {error}
      </p>
    )}
    {!loading && !error && items.length === 0 && <p class="muted">No image matches these filters.</p>}
    <ul class="cards gallery-cards">
      {items.map((image) => (
        <li
          key={image.id}
          class={`card${image.uncertain ? ' uncertain' : ''}${image.status === 'FAILED' ? ' rejected' : ''}`}
          data-id={image.id}
          data-animal={image.detectedAnimal ?? ''}
          data-status={image.status}
        >
          <button type="button" class="card-button" onClick={() => onOpen(image)}>
            {urls[image.id] ? (
              <img src={urls[image.id]} alt="" class="thumb" loading="lazy" />
            ) : (
              <span class="thumb placeholder" aria-hidden="true">
                {image.status === 'COMPLETED' || image.status === 'FAILED' ? '…' : '⏳'}
              </span>
            )}
            <span class="card-body">
              <span class="file-name">{image.fileName ?? image.id}</span>
              <span>
                <strong class={`animal animal-${image.detectedAnimal ?? 'none'}`}>{caption(image)}</strong>
                {image.uncertain && <span class="badge uncertain-badge">Uncertain</span>}
              </span>
              <span class="muted small">{dateTime(image.createdAt)}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
    {loading && <p class="muted" role="status">Loading…</p>}
    {hasMore && !loading && (
      <button type="button" class="button" onClick={onLoadMore}>
        Load more
      </button>
    )}
  </div>
);
