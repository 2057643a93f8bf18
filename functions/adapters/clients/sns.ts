import { SNSClient } from '@aws-sdk/client-sns';
import { asIs, type Instrument } from './instrument';

export const snsClient = (region: string, instrument: Instrument = asIs): SNSClient => instrument(new SNSClient({ region }));
