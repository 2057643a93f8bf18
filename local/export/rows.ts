/**
 * What one exported image looks like, the same in every format: the columns, in order, and how an `images`
 * item becomes a row. Labels are cut to the five most confident and carried as one value, a list of
 * { name, confidence }: a JSON array in jsonl, and that array's JSON text in its CSV cell.
 */
import type { Image } from '../../graphql/types';

/** Labels one row keeps, the most confident first. */
export const TOP_LABELS = 5;

export const EXPORT_COLUMNS = [
  'id',
  'createdAt',
  'classifiedAt',
  'status',
  'detectedAnimal',
  'confidence',
  'uncertain',
  'fileName',
  'fileSize',
  'imageFormat',
  's3Location',
  'failureReason',
  'owner',
  'topLabels',
] as const;

/** The selection an export asks `images` for: the columns and nothing else (no bounding boxes, no metadata). */
export const EXPORT_IMAGE_FIELDS = `id createdAt classifiedAt status detectedAnimal confidence uncertain fileName fileSize
  imageFormat s3Location failureReason owner labels { name confidence }`;

export type ExportedImage = Pick<
  Image,
  | 'id'
  | 'createdAt'
  | 'classifiedAt'
  | 'status'
  | 'detectedAnimal'
  | 'confidence'
  | 'uncertain'
  | 'fileName'
  | 'fileSize'
  | 'imageFormat'
  | 's3Location'
  | 'failureReason'
  | 'owner'
> & { labels?: Array<{ name: string; confidence: number }> | null };

export interface TopLabel {
  name: string;
  confidence: number;
}

/** One row: every column present, null where the image has no value (still PENDING, FAILED, no owner). */
export type ExportRow = { [K in Exclude<(typeof EXPORT_COLUMNS)[number], 'topLabels'>]: ExportedImage[K] | null } & {
  topLabels: TopLabel[];
};

export const topLabels = (labels: ExportedImage['labels']): TopLabel[] =>
  [...(labels ?? [])]
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, TOP_LABELS)
    .map(({ name, confidence }) => ({ name, confidence }));

export const toExportRow = (image: ExportedImage): ExportRow => ({
  id: image.id,
  createdAt: image.createdAt,
  classifiedAt: image.classifiedAt ?? null,
  status: image.status,
  detectedAnimal: image.detectedAnimal ?? null,
  confidence: image.confidence ?? null,
  uncertain: image.uncertain ?? null,
  fileName: image.fileName ?? null,
  fileSize: image.fileSize ?? null,
  imageFormat: image.imageFormat ?? null,
  s3Location: image.s3Location ?? null,
  failureReason: image.failureReason ?? null,
  owner: image.owner ?? null,
  topLabels: topLabels(image.labels),
});
