import { useState } from 'preact/hooks';
import { ACCEPT_ATTRIBUTE, formatBytes } from '../upload/check-file';

interface UploadZoneProps {
  maxBytes: number;
  onFiles: (files: File[]) => void;
}

/** Drop photos anywhere on the zone, or pick them with the (keyboard-reachable) file input. */
export const UploadZone = ({ maxBytes, onFiles }: UploadZoneProps) => {
  const [dragging, setDragging] = useState(false);
  return (
    <section
      class={`upload-zone${dragging ? ' dragging' : ''}`}
      aria-labelledby="upload-title"
      onDragEnter={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragOver={(event) => event.preventDefault()}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const files = [...(event.dataTransfer?.files ?? [])];
        if (files.length > 0) onFiles(files);
      }}
    >
      <h2 id="upload-title">Upload photos</h2>
      <p>
        Drop JPEG, PNG, HEIC or WebP photos here (up to {formatBytes(maxBytes)} each), or
        <label class="button" for="file-input">
          choose files
        </label>
        <input
          id="file-input"
          class="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          onChange={(event) => {
            const input = event.currentTarget;
            const files = [...(input.files ?? [])];
            // Reset so choosing the same file again still fires change.
            input.value = '';
            if (files.length > 0) onFiles(files);
          }}
        />
      </p>
    </section>
  );
};
