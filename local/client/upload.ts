/** Uploading one file the way every client must: requestUpload, then the presigned POST. */
import { CONTENT_TYPE_BY_EXTENSION } from '../../functions/core/domain';
import { graphql, REQUEST_UPLOAD, type ApiTarget, type UploadTicket } from './graphql';

export const contentTypeFor = (fileName: string): string | undefined => {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : CONTENT_TYPE_BY_EXTENSION[fileName.slice(dot + 1).toLowerCase()];
};

export const requestUpload = async (
  target: ApiTarget,
  input: { fileName: string; contentType: string; fileSize: number },
): Promise<UploadTicket> => (await graphql<{ requestUpload: UploadTicket }>(target, REQUEST_UPLOAD, { input })).requestUpload;

export interface PostResult {
  status: number;
  /** S3's XML error code when the upload was refused. */
  errorCode?: string;
  body: string;
}

/** The presigned POST: every ticket field, then the file as the last field, as S3 requires. */
export const postToTicket = async (
  ticket: Pick<UploadTicket, 'uploadUrl' | 'uploadFields'>,
  bytes: Uint8Array,
  options: { fileName?: string; contentType?: string; fieldOverrides?: Record<string, string | undefined> } = {},
): Promise<PostResult> => {
  const fields = { ...(JSON.parse(ticket.uploadFields) as Record<string, string>), ...options.fieldOverrides };
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: options.contentType ?? 'application/octet-stream' }), options.fileName ?? 'upload');
  const response = await fetch(ticket.uploadUrl, { method: 'POST', body: form });
  const body = await response.text();
  const errorCode = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  return { status: response.status, errorCode, body };
};
