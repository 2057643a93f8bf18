/**
 * The gallery's filter form and the ImageFilter it means. The server applies the filter (images(filter));
 * `matchesFilter` only decides whether a live result belongs on the gallery page already shown.
 */
import type { Animal, Image, ImageFilter, ProcessingStatus } from './api';

export interface FilterForm {
  animal: Animal | '';
  status: ProcessingStatus | '';
  uncertain: '' | 'yes' | 'no';
  /** yyyy-mm-dd from <input type=date>, local time; '' when unset. */
  from: string;
  to: string;
  /** 0-100 as typed; '' when unset. */
  minConfidence: string;
}

export const EMPTY_FILTER_FORM: FilterForm = { animal: '', status: '', uncertain: '', from: '', to: '', minConfidence: '' };

/** Whole local days: "from" starts at the day's first millisecond, "to" ends at its last. */
const dayBound = (day: string, end: boolean): string | undefined => {
  if (!day) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

export const toImageFilter = (form: FilterForm): ImageFilter => {
  const filter: ImageFilter = {};
  if (form.animal) filter.detectedAnimal = form.animal;
  if (form.status) filter.status = form.status;
  if (form.uncertain) filter.uncertain = form.uncertain === 'yes';
  const after = dayBound(form.from, false);
  const before = dayBound(form.to, true);
  if (after) filter.createdAfter = after;
  if (before) filter.createdBefore = before;
  const minConfidence = Number.parseFloat(form.minConfidence);
  if (form.minConfidence !== '' && Number.isFinite(minConfidence)) filter.minConfidence = Math.min(100, Math.max(0, minConfidence));
  return filter;
};

export const matchesFilter = (image: Image, filter: ImageFilter): boolean =>
  (!filter.detectedAnimal || image.detectedAnimal === filter.detectedAnimal) &&
  (!filter.status || image.status === filter.status) &&
  (filter.uncertain == null || Boolean(image.uncertain) === filter.uncertain) &&
  (!filter.createdAfter || image.createdAt >= filter.createdAfter) &&
  (!filter.createdBefore || image.createdAt <= filter.createdBefore) &&
  (filter.minConfidence == null || (image.confidence ?? -1) >= filter.minConfidence);
