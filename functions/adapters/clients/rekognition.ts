import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { asIs, clientConfig, type ClientTarget, type Instrument } from './instrument';

export const rekognitionClient = (target: ClientTarget, instrument: Instrument = asIs): RekognitionClient =>
  instrument(new RekognitionClient(clientConfig(target)));
