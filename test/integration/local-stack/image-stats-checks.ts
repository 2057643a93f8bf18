/** What the imageStats tests compare: the counters the API returns, and the same counts taken from images(). */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { LOCAL_NAMES } from '../../../local/common/naming';
import { graphql, LIST_IMAGES, type ApiTarget, type Image } from '../../../local/client/graphql';
import { isFinal } from './helpers';

const IMAGE_STATS = `query Stats($from: AWSDateTime!, $to: AWSDateTime!, $granularity: StatsGranularity) {
  imageStats(from: $from, to: $to, granularity: $granularity) { start total cats dogs others uncertain failed }
}`;
export type Bucket = { start: string; total: number; cats: number; dogs: number; others: number; uncertain: number; failed: number };
export type Counts = Omit<Bucket, 'start'>;

/** Every image the caller may see, page after page. */
export const listAll = async (api: ApiTarget): Promise<Image[]> => {
  const all: Image[] = [];
  let nextToken: string | null = null;
  do {
    const { images }: { images: { items: Image[]; nextToken: string | null } } = await graphql(api, LIST_IMAGES, { limit: 100, nextToken });
    all.push(...images.items);
    nextToken = images.nextToken;
  } while (nextToken);
  return all;
};

export const imageStats = async (api: ApiTarget, granularity: 'HOUR' | 'DAY', range: { from: Date; to: Date }): Promise<Bucket[]> =>
  (await graphql<{ imageStats: Bucket[] }>(api, IMAGE_STATS, { from: range.from.toISOString(), to: range.to.toISOString(), granularity })).imageStats;

export const sum = (buckets: Bucket[]): Counts =>
  buckets.reduce(
    (acc, b) => ({ total: acc.total + b.total, cats: acc.cats + b.cats, dogs: acc.dogs + b.dogs, others: acc.others + b.others, uncertain: acc.uncertain + b.uncertain, failed: acc.failed + b.failed }),
    { total: 0, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 0 },
  );

/** The counts imageStats must give for these records, taken from the records themselves. */
export const countsOf = (images: Image[]): Counts => {
  const final = images.filter(isFinal);
  const completed = final.filter((i) => i.status === 'COMPLETED');
  return {
    total: final.length,
    cats: completed.filter((i) => i.detectedAnimal === 'CAT').length,
    dogs: completed.filter((i) => i.detectedAnimal === 'DOG').length,
    others: completed.filter((i) => i.detectedAnimal === 'OTHER').length,
    uncertain: completed.filter((i) => i.uncertain === true).length,
    failed: final.filter((i) => i.status === 'FAILED').length,
  };
};

/** Where DynamoDB Local listens, and how to sign for it. */
export interface DynamoDbTarget {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Every record of the table's stream so far, as a Lambda event carries them, with the shard it is in. */
export const streamRecords = async (target: DynamoDbTarget): Promise<Array<{ shardId: string; record: DynamoDBRecord }>> => {
  const ddb = new DynamoDBClient(target);
  const streams = new DynamoDBStreamsClient(target);
  try {
    const streamArn = (await ddb.send(new DescribeTableCommand({ TableName: LOCAL_NAMES.table }))).Table!.LatestStreamArn!;
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
    const records: Array<{ shardId: string; record: DynamoDBRecord }> = [];
    for (const { ShardId: shardId } of shards) {
      let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (let round = 0; iterator && round < 20; round += 1) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        if (!out.Records?.length) break;
        records.push(...(out.Records as unknown as DynamoDBRecord[]).map((record) => ({ shardId: shardId!, record })));
        iterator = out.NextShardIterator;
      }
    }
    return records;
  } finally {
    ddb.destroy();
    streams.destroy();
  }
};
