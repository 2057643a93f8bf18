import { useEffect, useRef } from 'preact/hooks';
import type { Image } from '../api';
import { animalName, dateTime, percent } from '../format';
import { formatBytes } from '../upload/check-file';

interface DetailDialogProps {
  image: Image;
  url?: string;
  onClose: () => void;
}

const BOX_COLOURS = ['#c2185b', '#00796b', '#5e35b1', '#ef6c00', '#1565c0'];

/** Boxes are fractions of the image, so percentages place them over the image at any rendered size. */
const Boxes = ({ image }: { image: Image }) => (
  <>
    {(image.labels ?? []).flatMap((label, labelIndex) =>
      (label.boundingBoxes ?? []).map((box, boxIndex) => (
        <div
          key={`${label.name}-${boxIndex}`}
          class="bounding-box"
          data-label={label.name}
          style={{
            left: `${box.left * 100}%`,
            top: `${box.top * 100}%`,
            width: `${box.width * 100}%`,
            height: `${box.height * 100}%`,
            borderColor: BOX_COLOURS[labelIndex % BOX_COLOURS.length],
          }}
        >
          <span style={{ background: BOX_COLOURS[labelIndex % BOX_COLOURS.length] }}>
            {label.name} {percent(label.confidence, 1)}
          </span>
        </div>
      )),
    )}
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
