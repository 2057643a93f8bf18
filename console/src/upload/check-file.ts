/**
 * The browser-side checks made before asking for an upload ticket. They mirror the API's rules
 * (JPEG or PNG, within the size limit) so a bad file is refused at once, in words, without a round trip.
 * The file's first bytes are read too: a browser derives File.type from the extension alone, so a text
 * file renamed .jpg would otherwise pass as image/jpeg.
 */
export type AcceptedType = 'image/jpeg' | 'image/png';

export type FileCheck =
  | { ok: true; contentType: AcceptedType }
  | { ok: false; reason: string };

export const ACCEPT_ATTRIBUTE = 'image/jpeg,image/png,.jpg,.jpeg,.png';

const TYPE_BY_EXTENSION: Record<string, AcceptedType> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;

const sniffType = (head: Uint8Array): AcceptedType | undefined =>
  startsWith(head, JPEG_SIGNATURE) ? 'image/jpeg' : startsWith(head, PNG_SIGNATURE) ? 'image/png' : undefined;

export const checkFile = async (file: File, maxBytes: number): Promise<FileCheck> => {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const declared = (file.type || TYPE_BY_EXTENSION[extension]) as string | undefined;
  if (declared !== 'image/jpeg' && declared !== 'image/png') {
    return { ok: false, reason: `Wrong type: ${declared || 'unknown'} is not accepted; upload a JPEG or PNG photo.` };
  }
  if (file.size === 0) return { ok: false, reason: 'Empty file: there is nothing to upload.' };
  if (file.size > maxBytes) {
    return { ok: false, reason: `Too large: ${formatBytes(file.size)} exceeds the ${formatBytes(maxBytes)} limit.` };
  }
  const head = new Uint8Array(await file.slice(0, PNG_SIGNATURE.length).arrayBuffer());
  const actual = sniffType(head);
  if (!actual) {
    return { ok: false, reason: `Not an image: the content of ${file.name} is not a JPEG or PNG, whatever its name says.` };
  }
  if (actual !== declared) {
    return { ok: false, reason: `Wrong type: the file is a ${actual === 'image/png' ? 'PNG' : 'JPEG'} but is named or typed as ${declared}.` };
  }
  return { ok: true, contentType: actual };
};
