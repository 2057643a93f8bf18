/** The S3 client the functions use; path-style addressing is for emulators (S3_FORCE_PATH_STYLE). */
import { S3Client } from '@aws-sdk/client-s3';
import { asIs, clientConfig, type ClientTarget, type Instrument } from './instrument';

export const s3Client = (target: ClientTarget, forcePathStyle: boolean, instrument: Instrument = asIs): S3Client =>
  instrument(
    new S3Client({
      ...clientConfig(target),
      forcePathStyle,
      // Checksums only where S3 requires them: the functions never upload through the SDK, and emulators lag behind.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
