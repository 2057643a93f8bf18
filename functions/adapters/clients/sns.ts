import { SNSClient } from '@aws-sdk/client-sns';
import { asIs, clientConfig, type ClientTarget, type Instrument } from './instrument';

export const snsClient = (target: ClientTarget, instrument: Instrument = asIs): SNSClient => instrument(new SNSClient(clientConfig(target)));
