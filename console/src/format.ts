/** Display formatting shared by the views. */
export const percent = (value: number | null | undefined, digits = 0): string =>
  value == null ? '–' : `${value.toFixed(digits)}%`;

export const dateTime = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '–';

export const animalName = (animal: string | null | undefined): string =>
  animal === 'CAT' ? 'Cat' : animal === 'DOG' ? 'Dog' : animal === 'OTHER' ? 'Other' : 'Unknown';
