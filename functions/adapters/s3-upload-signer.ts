/**
 * UploadSigner on S3: presigned POST for uploads (a POST policy can cap the size, a presigned PUT
 * cannot) and presigned GET for filed images. Both are computed locally from the client's credentials.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadSigner } from '../core/ports';

export class S3UploadSigner implements UploadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPost(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresInSeconds: number;
  }): Promise<{ url: string; fields: Record<string, string> }> {
    // createPresignedPost adds {bucket}, {key} and one exact-match condition per field, so the
    // Content-Type field below is also the policy's Content-Type equality condition.
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: input.key,
      Fields: { 'Content-Type': input.contentType },
      Conditions: [['content-length-range', 1, input.maxBytes]],
      Expires: input.expiresInSeconds,
    });
    return { url, fields };
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }
}
