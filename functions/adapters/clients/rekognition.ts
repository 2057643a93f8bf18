import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { asIs, type Instrument } from './instrument';

export const rekognitionClient = (region: string, instrument: Instrument = asIs): RekognitionClient =>
  instrument(new RekognitionClient({ region }));
