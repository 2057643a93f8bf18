/**
 * Sends one file with its presigned POST. XMLHttpRequest, not fetch: fetch reports no upload progress,
 * and each file's progress bar must follow the bytes actually sent.
 */
import { describeS3Error } from './s3-errors';

export class UploadRejected extends Error {
  override name = 'UploadRejected';
}

export interface PostTicket {
  uploadUrl: string;
  uploadFields: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
}

export const postFile = (
  ticket: PostTicket,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> => {
  if (Date.parse(ticket.expiresAt) <= Date.now()) {
    return Promise.reject(new UploadRejected('Ticket expired before the upload started; add the file again for a new one.'));
  }
  const form = new FormData();
  // Exactly the ticket's fields (S3 refuses any field its policy does not name), then the file:
  // S3 ignores every field after 'file'.
  for (const [name, value] of Object.entries(ticket.uploadFields)) form.append(name, value);
  form.append('file', file, file.name);

  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', ticket.uploadUrl);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new UploadRejected(describeS3Error(request.status, request.responseText, ticket.maxBytes)));
      }
    });
    request.addEventListener('error', () =>
      reject(new UploadRejected('Upload failed: storage could not be reached (network down, or the bucket does not allow this site).')),
    );
    request.addEventListener('abort', () => reject(new UploadRejected('Upload cancelled.')));
    request.send(form);
  });
};
