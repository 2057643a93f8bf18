/**
 * Names and credentials of the local stack. The credentials are not secrets: they
 * exist so that every SDK client signs its requests as it would in AWS, and so that the upload gateway
 * and the local AppSync server can verify SigV4 signatures against something.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

export const LOCAL_CREDENTIALS = {
  accessKeyId: 'LOCALSTACKACCESSKEY',
  secretAccessKey: 'local-stack-secret-access-key-not-a-secret',
} as const;

export const LOCAL_NAMES = {
  bucket: 'serverlessapp-local-images',
  table: 'serverlessapp-local-detection-logs',
  statsTable: 'serverlessapp-local-image-stats',
  topic: 'serverlessapp-local-uncertain',
  uploadQueue: 'serverlessapp-local-uploads',
  uploadDlq: 'serverlessapp-local-uploads-dlq',
  alertsQueue: 'serverlessapp-local-uncertain-alerts',
  streamFailureQueue: 'serverlessapp-local-stream-failures',
  userPool: 'serverlessapp-local-users',
  userPoolClient: 'serverlessapp-local-app',
} as const;

/** Four write shards per list index: enough that every local page is a real fan-out and merge, as in AWS. */
export const LOCAL_INDEX_SHARDS = 4;

/** The API key clients send in x-api-key; fixed so that a restart keeps clients working. */
export const LOCAL_API_KEY = 'da2-localpetdetectorapikey000000';

/**
 * The user `npm start` creates and prints, so the console can be signed in to at once. Like the API key, it is
 * not a secret: it opens a local pool whose signing key ships inside cognito-local anyway.
 */
export const LOCAL_DEMO_USER = { email: 'demo@pet-detector.local', password: 'PetDetector-demo-1' } as const;

export const topicArn = (region: string = LOCAL_REGION): string =>
  `arn:aws:sns:${region}:${LOCAL_ACCOUNT_ID}:${LOCAL_NAMES.topic}`;
