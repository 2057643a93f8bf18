/**
 * The browser-side checks made before asking for an upload ticket. They mirror the API's rules
 * (JPEG, PNG, HEIC/HEIF or WebP, within the size limit) so a bad file is refused at once, in words, without
 * a round trip. The file's first bytes are read too: a browser derives File.type from the extension alone
 * (and gives none for .heic on many systems), so a text file renamed .jpg would otherwise pass as image/jpeg.
 * The API checks the bytes again, fully; this only catches the obvious.
 */
import { type AcceptedContentType, CONTENT_TYPE_BY_EXTENSION } from '../../../functions/core/domain';

export type AcceptedType = AcceptedContentType;

export type FileCheck =
  | { ok: true; contentType: AcceptedType }
  | { ok: false; reason: string };

const TYPE_BY_EXTENSION = CONTENT_TYPE_BY_EXTENSION;

const ACCEPTED_TYPES = new Set<string>(Object.values(TYPE_BY_EXTENSION));

export const ACCEPT_ATTRIBUTE = [...ACCEPTED_TYPES, ...Object.keys(TYPE_BY_EXTENSION).map((e) => `.${e}`)].join(',');

/** What the magic bytes say, as a family: image/heic and image/heif are the same container. */
type SniffedKind = 'JPEG' | 'PNG' | 'HEIC/HEIF' | 'WebP';
const KIND_OF_TYPE: Record<AcceptedType, SniffedKind> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/heic': 'HEIC/HEIF',
  'image/heif': 'HEIC/HEIF',
  'image/webp': 'WebP',
};

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HEIF_IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1']);
const HEAD_BYTES = 12;

export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;

const sniffKind = (head: Uint8Array): SniffedKind | undefined => {
  if (startsWith(head, JPEG_SIGNATURE)) return 'JPEG';
  if (startsWith(head, PNG_SIGNATURE)) return 'PNG';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'WebP';
  if (ascii(head, 4, 8) === 'ftyp' && HEIF_IMAGE_BRANDS.has(ascii(head, 8, 12))) return 'HEIC/HEIF';
  return undefined;
};

export const checkFile = async (file: File, maxBytes: number): Promise<FileCheck> => {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const declared = file.type || TYPE_BY_EXTENSION[extension] || '';
  if (!ACCEPTED_TYPES.has(declared)) {
    return { ok: false, reason: `Wrong type: ${declared || 'unknown'} is not accepted; upload a JPEG, PNG, HEIC or WebP photo.` };
  }
  const contentType = declared as AcceptedType;
  if (file.size === 0) return { ok: false, reason: 'Empty file: there is nothing to upload.' };
  if (file.size > maxBytes) {
    return { ok: false, reason: `Too large: ${formatBytes(file.size)} exceeds the ${formatBytes(maxBytes)} limit.` };
  }
  const actual = sniffKind(new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer()));
  if (!actual) {
    return { ok: false, reason: `Not an image: the content of ${file.name} is not a JPEG, PNG, HEIC or WebP, whatever its name says.` };
  }
  if (actual !== KIND_OF_TYPE[contentType]) {
    return { ok: false, reason: `Wrong type: the file is a ${actual} but is named or typed as ${declared}.` };
  }
  return { ok: true, contentType };
};
