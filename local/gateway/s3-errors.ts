/** S3's XML error responses, with the codes, statuses and wording S3 uses for browser-based POST uploads. */
import { randomBytes } from 'node:crypto';
import { MAX_KEY_BYTES } from '../common/s3-keys';

export class S3ErrorResponse extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra elements S3 adds for some codes (ProposedSize, MaxSizeAllowed, ArgumentName ...). */
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = code;
  }
}

const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export const renderS3Error = (error: S3ErrorResponse, resource: string): { requestId: string; body: string } => {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const details = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${details}` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  return { requestId, body };
};

const policy = (reason: string) => new S3ErrorResponse('AccessDenied', 403, `Invalid according to Policy: ${reason}`);

export const S3Errors = {
  notMultipart: () =>
    new S3ErrorResponse('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
      Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
    }),
  malformed: () =>
    new S3ErrorResponse('MalformedPOSTRequest', 400, 'The body of your POST request is not well-formed multipart/form-data.'),
  missingField: (name: string) =>
    new S3ErrorResponse(
      'InvalidArgument',
      400,
      `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
      { ArgumentName: name, ArgumentValue: '' },
    ),
  oneFile: () =>
    new S3ErrorResponse('InvalidArgument', 400, 'POST requires exactly one file upload per request.', {
      ArgumentName: 'file',
      ArgumentValue: '0',
    }),
  anonymous: () => new S3ErrorResponse('AccessDenied', 403, 'Access Denied'),
  unsupportedAlgorithm: (value: string) =>
    new S3ErrorResponse('InvalidArgument', 400, 'Unsupported algorithm', {
      ArgumentName: 'x-amz-algorithm',
      ArgumentValue: value,
    }),
  malformedCredential: (value: string) =>
    new S3ErrorResponse('AuthorizationQueryParametersError', 400, `Error parsing the X-Amz-Credential parameter; ${value}`),
  unknownAccessKey: (accessKeyId: string) =>
    new S3ErrorResponse('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: accessKeyId,
    }),
  signatureMismatch: (accessKeyId: string) =>
    new S3ErrorResponse(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: accessKeyId },
    ),
  invalidPolicy: (reason: string) => new S3ErrorResponse('InvalidPolicyDocument', 400, `Invalid Policy: ${reason}`),
  expired: () => policy('Policy expired.'),
  conditionFailed: (condition: unknown) => policy(`Policy Condition failed: ${JSON.stringify(condition).replace(/,/g, ', ')}`),
  extraFields: (names: string[]) => policy(`Extra input fields: ${names.join(', ')}`),
  tooLarge: (proposed: number, max: number) =>
    new S3ErrorResponse('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: proposed,
      MaxSizeAllowed: max,
    }),
  tooSmall: (proposed: number, min: number) =>
    new S3ErrorResponse('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size', {
      ProposedSize: proposed,
      MinSizeAllowed: min,
    }),
  preDataTooLarge: () =>
    new S3ErrorResponse('MaxPostPreDataLengthExceeded', 400, 'Your POST request fields preceeding the upload file was too large.', {
      MaxPostPreDataLength: 20480,
    }),
  requestTimeTooSkewed: () =>
    new S3ErrorResponse('RequestTimeTooSkewed', 403, "The difference between the request time and the server's time is too large."),
  presignExpired: () => new S3ErrorResponse('AccessDenied', 403, 'Request has expired'),
  invalidUri: () => new S3ErrorResponse('InvalidURI', 400, "Couldn't parse the specified URI."),
  dotDotKey: () =>
    new S3ErrorResponse('InvalidURI', 400, "Couldn't parse the specified URI: the local S3 endpoint refuses keys with '..' segments."),
  keyTooLong: (size: number) =>
    new S3ErrorResponse('KeyTooLongError', 400, 'Your key is too long', { Size: size, MaxSizeAllowed: MAX_KEY_BYTES }),
  unstorableKey: (reason: string) =>
    new S3ErrorResponse('InvalidURI', 400, `Couldn't parse the specified URI: the local S3 endpoint refuses keys ${reason}.`),
  corsForbidden: () =>
    new S3ErrorResponse(
      'AccessForbidden',
      403,
      'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.',
    ),
  noSuchBucket: (bucket: string) =>
    new S3ErrorResponse('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
};
