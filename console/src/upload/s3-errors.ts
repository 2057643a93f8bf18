/**
 * Turns S3's XML error responses to a presigned POST into sentences. S3 (and the local stack's upload
 * gateway, which mimics it) answers <Error><Code>…</Code><Message>…</Message></Error>; a policy failure
 * is AccessDenied whose message says which condition failed, so the message is read as well as the code.
 */
import { formatBytes } from './check-file';

export interface S3Error {
  code: string;
  message: string;
}

export const parseS3Error = (xml: string): S3Error | undefined => {
  if (!xml.trim().startsWith('<')) return undefined;
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  const code = document.querySelector('Error > Code')?.textContent?.trim();
  if (!code) return undefined;
  return { code, message: document.querySelector('Error > Message')?.textContent?.trim() ?? '' };
};

export const describeS3Error = (status: number, body: string, maxBytes: number): string => {
  const error = parseS3Error(body);
  if (!error) return `Upload refused by storage (HTTP ${status}) without an explanation.`;
  const { code, message } = error;
  const lower = message.toLowerCase();
  if (code === 'EntityTooLarge' || (code === 'AccessDenied' && lower.includes('content-length'))) {
    return `Too large: the ticket allows at most ${formatBytes(maxBytes)}.`;
  }
  if (code === 'EntityTooSmall') return 'Too small: the file is empty or smaller than the ticket allows.';
  if (code === 'ExpiredToken' || lower.includes('expired')) {
    return 'Ticket expired: the upload started after its presigned POST ran out; add the file again.';
  }
  if (code === 'AccessDenied' && lower.includes('content-type')) {
    return 'Wrong type: the file does not match the content type its ticket was issued for.';
  }
  if (code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId' || code === 'InvalidPolicyDocument') {
    return 'Ticket rejected: storage did not accept its signature; ask for a new one.';
  }
  return `Upload refused by storage: ${message || code} (${code}).`;
};
