/**
 * What the capacity model needs from a synthesized template: each function's reserved concurrency, memory
 * and timeout, the SQS and stream event sources' batching and concurrency, the tables' billing modes and
 * index key schemas, the API's logging. Read off the template (not infra/config.ts), so the ceiling follows
 * what would deploy. The template comes from infra/cost/facts.ts's synthesizeTemplate (no bundling).
 */
import { FUNCTION_NAMES, type FunctionName, type Stage } from '../config';
import { factsFromTemplate, type Template } from '../cost/facts';
import type { DeploymentFacts } from '../cost/model';

type Resource = Template['Resources'][string];

export interface CapacityFacts {
  stage: Stage;
  cost: DeploymentFacts;
  functions: Record<FunctionName, { memoryMb: number; timeoutSeconds: number; reservedConcurrency: number | undefined }>;
  /** Reserved concurrency of every function in the stack (custom-resource handlers and any other included). */
  totalReservedConcurrency: number;
  uploadEvents: { batchSize: number; maxBatchingWindowSeconds: number; maxConcurrency: number | undefined };
  streamEvents: { batchSize: number; maxBatchingWindowSeconds: number; parallelizationFactor: number };
  tables: Array<{ name: string; billingMode: string; gsis: Array<{ name: string; keys: string }> }>;
  api: { fieldLogLevel: string; verboseContent: boolean };
}

const ofType = (template: Template, type: string): Resource[] => Object.values(template.Resources).filter((r) => r.Type === type);

const nameOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const capacityFactsFromTemplate = (template: Template, stage: Stage, prefix: string): CapacityFacts => {
  const fns = ofType(template, 'AWS::Lambda::Function');
  const functions = Object.fromEntries(
    FUNCTION_NAMES.map((name) => {
      const props = fns.find((r) => r.Properties?.FunctionName === `${prefix}${name}`)?.Properties;
      if (!props) throw new Error(`function ${prefix}${name} not in the template`);
      return [name, { memoryMb: props.MemorySize as number, timeoutSeconds: props.Timeout as number, reservedConcurrency: props.ReservedConcurrentExecutions as number | undefined }];
    }),
  ) as CapacityFacts['functions'];
  const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping').map((r) => r.Properties ?? {});
  // The queue mapping has no StartingPosition; the DynamoDB stream mapping has one.
  const sqs = mappings.find((p) => p.StartingPosition === undefined);
  const stream = mappings.find((p) => p.StartingPosition !== undefined);
  if (!sqs || !stream) throw new Error('the template lacks the upload queue or the stream event source');
  const api = ofType(template, 'AWS::AppSync::GraphQLApi')[0]?.Properties?.LogConfig as { FieldLogLevel?: string; ExcludeVerboseContent?: boolean } | undefined;
  return {
    stage,
    cost: factsFromTemplate(template, stage, prefix),
    functions,
    totalReservedConcurrency: fns.reduce((sum, r) => sum + ((r.Properties?.ReservedConcurrentExecutions as number | undefined) ?? 0), 0),
    uploadEvents: {
      batchSize: (sqs.BatchSize as number | undefined) ?? 10,
      maxBatchingWindowSeconds: (sqs.MaximumBatchingWindowInSeconds as number | undefined) ?? 0,
      maxConcurrency: (sqs.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
    },
    streamEvents: {
      batchSize: (stream.BatchSize as number | undefined) ?? 100,
      maxBatchingWindowSeconds: (stream.MaximumBatchingWindowInSeconds as number | undefined) ?? 0,
      parallelizationFactor: (stream.ParallelizationFactor as number | undefined) ?? 1,
    },
    tables: ofType(template, 'AWS::DynamoDB::Table').map((t) => ({
      name: nameOf(t.Properties?.TableName),
      billingMode: (t.Properties?.BillingMode as string | undefined) ?? 'PROVISIONED',
      gsis: ((t.Properties?.GlobalSecondaryIndexes ?? []) as Array<{ IndexName: string; KeySchema: Array<{ AttributeName: string; KeyType: string }> }>).map((g) => ({
        name: g.IndexName,
        keys: g.KeySchema.map((k) => `${k.AttributeName} (${k.KeyType})`).join(', '),
      })),
    })),
    api: { fieldLogLevel: api?.FieldLogLevel ?? 'NONE', verboseContent: api?.ExcludeVerboseContent === false },
  };
};
