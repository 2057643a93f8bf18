/** .local/outputs.json: the CDK stack's output keys (infra/stack.ts) plus the local-only ones. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const LocalOutputsSchema = z.object({
  GraphQLApiUrl: z.string().url(),
  /** Absent where API-key access is off (a deployed stage's apiKeyAccess); the local stack always has one. */
  GraphQLApiKey: z.string().min(1).optional(),
  RealtimeUrl: z.string(),
  BucketName: z.string(),
  TableName: z.string(),
  TopicArn: z.string(),
  Region: z.string(),
  GraphQLApiUrlHttps: z.string().optional(),
  CaCertificatePath: z.string().optional(),
  S3Endpoint: z.string(),
  DynamoDbEndpoint: z.string(),
  ConsoleUrl: z.string().optional(),
  UserPoolId: z.string().min(1),
  UserPoolClientId: z.string().min(1),
  /** The local pool's Cognito API: Amplify v6's Auth.Cognito.userPoolEndpoint. */
  CognitoEndpoint: z.string().url(),
});

export type LocalOutputs = z.infer<typeof LocalOutputsSchema>;

export const writeOutputs = async (file: string, outputs: LocalOutputs): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(outputs, null, 2)}\n`);
};

export const readOutputs = async (file: string): Promise<LocalOutputs> =>
  LocalOutputsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
