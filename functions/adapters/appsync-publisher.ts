/**
 * Publisher on AppSync: calls the IAM-only publishImageClassified mutation with a SigV4-signed POST.
 * AppSync answers HTTP 200 with an `errors` array for most failures, so both the status and the body
 * are checked; either one failing is a PublishError and the stream record is retried.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import type { ImageRecord } from '../core/domain';
import { PublishError } from '../core/errors';
import type { Publisher } from '../core/ports';
import { recordToPublishInput } from '../core/record-mapping';

/** The selection set is what subscribers can receive, so it names every Image field. */
export const PUBLISH_MUTATION = /* GraphQL */ `
  mutation PublishImageClassified($input: PublishImageClassifiedInput!) {
    publishImageClassified(input: $input) {
      id
      owner
      status
      detectedAnimal
      confidence
      uncertain
      s3Location
      fileName
      fileSize
      imageFormat
      labels { name confidence boundingBoxes { left top width height } }
      failureReason
      createdAt
      classifiedAt
      width
      height
      takenAt
      cameraMake
      cameraModel
      orientation
      hasLocation
    }
  }
`;

const REQUEST_TIMEOUT_MS = 10_000;

interface GraphQLResponse {
  data?: unknown;
  errors?: Array<{ message?: string; errorType?: string }>;
}

export class AppSyncPublisher implements Publisher {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(options: {
    graphqlUrl: string;
    region: string;
    credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  }) {
    this.url = new URL(options.graphqlUrl);
    this.signer = new SignatureV4({ service: 'appsync', region: options.region, credentials: options.credentials, sha256: Sha256 });
  }

  async publishImageClassified(image: ImageRecord): Promise<void> {
    const body = JSON.stringify({ query: PUBLISH_MUTATION, variables: { input: recordToPublishInput(image) } });
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: this.url.pathname,
      headers: { 'content-type': 'application/json', host: this.url.host },
      body,
    });
    const signed = await this.signer.sign(request);

    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PublishError(`AppSync could not be reached: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new PublishError(`AppSync answered HTTP ${response.status} for image ${image.id}: ${text.slice(0, 300)}`);
    }
    let parsed: GraphQLResponse;
    try {
      parsed = JSON.parse(text) as GraphQLResponse;
    } catch (error) {
      throw new PublishError(`AppSync answered with a body that is not JSON for image ${image.id}`, { cause: error });
    }
    if (parsed.errors && parsed.errors.length > 0) {
      const messages = parsed.errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message ?? ''}`).join('; ');
      throw new PublishError(`publishImageClassified failed for image ${image.id}: ${messages}`);
    }
  }
}
