import { useEffect, useRef } from 'preact/hooks';
import type { BoundingBox, Image } from '../api';
import { animalName, dateTime, percent } from '../format';
import { formatBytes } from '../upload/check-file';

interface DetailDialogProps {
  image: Image;
  url?: string;
  onClose: () => void;
}

const BOX_COLOURS = ['#c2185b', '#00796b', '#5e35b1', '#a84300', '#1565c0'];

interface PlacedBox {
  key: string;
  label: string;
  confidence: number;
  colour: string;
  box: BoundingBox;
  /** Where the name tag sits: at the box's top edge, or at its bottom when that spot is taken. */
  tagAtBottom: boolean;
  main: boolean;
}

/** Tags closer than this (fractions of the image) would cover each other. */
const TAG_CLEARANCE = { x: 0.2, y: 0.07 };

/** Every label's boxes, the detected animal's drawn last (on top); a tag moves down when another is in its spot. */
const placeBoxes = (image: Image): PlacedBox[] => {
  const tags: Array<{ x: number; y: number }> = [];
  const free = (x: number, y: number) => tags.every((tag) => Math.abs(tag.x - x) > TAG_CLEARANCE.x || Math.abs(tag.y - y) > TAG_CLEARANCE.y);
  const animal = image.detectedAnimal?.toLowerCase();
  const labels = (image.labels ?? [])
    .filter((label) => label.boundingBoxes?.length)
    .map((label, index) => ({ label, colour: BOX_COLOURS[index % BOX_COLOURS.length] ?? '#c2185b' }));
  const ordered = [...labels.filter(({ label }) => label.name.toLowerCase() !== animal), ...labels.filter(({ label }) => label.name.toLowerCase() === animal)];
  return ordered.flatMap(({ label, colour }) =>
    (label.boundingBoxes ?? []).map((box, index) => {
      const tagAtBottom = !free(box.left, box.top) && free(box.left, box.top + box.height);
      tags.push({ x: box.left, y: tagAtBottom ? box.top + box.height : box.top });
      const main = label.name.toLowerCase() === animal;
      return { key: `${label.name}-${index}`, label: label.name, confidence: label.confidence, colour, box, tagAtBottom, main };
    }),
  );
};

/** Boxes are fractions of the image, so percentages place them over the image at any rendered size. */
const Boxes = ({ image }: { image: Image }) => (
  <>
    {placeBoxes(image).map(({ key, label, confidence, colour, box, tagAtBottom, main }) => (
      <div
        key={key}
        class={`bounding-box${main ? ' main' : ''}`}
        data-label={label}
        style={{
          left: `${box.left * 100}%`,
          top: `${box.top * 100}%`,
          width: `${box.width * 100}%`,
          height: `${box.height * 100}%`,
          borderColor: colour,
        }}
      >
        <span class={tagAtBottom ? 'tag-bottom' : undefined} style={{ background: colour }}>
          {label} {percent(confidence, 1)}
        </span>
      </div>
    ))}
  </>
);

export const DetailDialog = ({ image, url, onClose }: DetailDialogProps) => {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    // showModal moves focus into the dialog (to Close), makes the page behind inert and closes on Escape.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);

  const fields: Array<[string, string]> = [
    ['Status', image.status],
    ['Animal', animalName(image.detectedAnimal)],
    ['Confidence', percent(image.confidence, 1)],
    ['Uncertain', image.uncertain == null ? '–' : image.uncertain ? 'Yes' : 'No'],
    ['File', image.fileName ?? '–'],
    ['Size', image.fileSize == null ? '–' : formatBytes(image.fileSize)],
    ['Format', image.imageFormat ?? '–'],
    ['Dimensions', image.width == null || image.height == null ? '–' : `${image.width} × ${image.height} px`],
    ['Taken', image.takenAt ?? '–'],
    ['Camera', [image.cameraMake, image.cameraModel].filter(Boolean).join(' ') || '–'],
    ['Orientation', image.orientation == null ? '–' : String(image.orientation)],
    // Only whether the photo had a position: the coordinates themselves are never stored.
    ['Location', image.hasLocation == null ? '–' : image.hasLocation ? 'Had GPS tags (not kept)' : 'None'],
    ['Stored at', image.s3Location ?? '–'],
    ['Uploaded', dateTime(image.createdAt)],
    ['Classified', dateTime(image.classifiedAt)],
    ['Id', image.id],
  ];

  return (
    <dialog ref={dialog} class="detail" aria-labelledby="detail-title" onClose={onClose}>
      <div class="detail-head">
        <h2 id="detail-title">{image.fileName ?? image.id}</h2>
        <button type="button" class="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {image.uncertain && (
        <p class="uncertain-note" role="note">
          Uncertain: the classifier's evidence was weak or close between animals.
        </p>
      )}
      {image.failureReason && (
        <p class="error" role="alert">
          Failure reason: {image.failureReason}
        </p>
      )}
      <div class="detail-body">
        <figure class="annotated">
          {url ? (
            <div class="image-frame">
              <img src={url} alt={`${image.fileName ?? 'Uploaded image'}, with detected labels outlined`} />
              <Boxes image={image} />
            </div>
          ) : (
            <p class="muted">No stored image to show (not filed yet).</p>
          )}
        </figure>
        <div>
          <h3>Labels</h3>
          {image.labels?.length ? (
            <table class="labels">
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Boxes</th>
                </tr>
              </thead>
              <tbody>
                {image.labels.map((label) => (
                  <tr key={label.name}>
                    <td>{label.name}</td>
                    <td>{percent(label.confidence, 1)}</td>
                    <td>{label.boundingBoxes?.length ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">No labels.</p>
          )}
          <h3>Record</h3>
          <dl class="fields">
            {fields.map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </dialog>
  );
};
