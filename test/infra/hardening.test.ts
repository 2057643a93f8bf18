/**
 * Issue 11, "found in the deployed design": query cost limits, retention of stored objects, the API key
 * expiry warning and the small items (KMS key policy, ListBucket scope, verbose logs, workflow_dispatch),
 * each asserted on the synthesized templates of every stage.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { parse as parseYaml } from 'yaml';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../functions/core/settings';
import { ANIMAL_PREFIX, INPUT_PREFIX } from '../../functions/core/domain';
import { STAGES, stageConfig, type Stage } from '../../infra/config';
import { loadAppSyncSchema } from '../../local/appsync-server/schema';
import { isListType, isNonNullType, isObjectType, type GraphQLOutputType } from 'graphql';
import { permissionsOfRole, render } from './support/iam';
import { resourcesOf, synthStages, type Synthesized } from './support/synth';

jest.setTimeout(240_000);

const REPO_ROOT = path.join(__dirname, '../..');
const synthesized = {} as Record<Stage, Synthesized>;

beforeAll(async () => {
  const results = await synthStages([...STAGES]);
  STAGES.forEach((stage, i) => (synthesized[stage] = results[i] as Synthesized));
});

const only = <T>(record: Record<string, T>): [string, T] => {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

interface LifecycleRule {
  Id: string;
  Prefix?: string;
  Status: string;
  ExpirationInDays?: number;
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
}

/** The days after which S3 expires an object under this key: the shortest expiration among the rules that match it. */
const expirationOf = (rules: LifecycleRule[], key: string): number | undefined => {
  const days = rules
    .filter((r) => r.Status === 'Enabled' && r.ExpirationInDays !== undefined && key.startsWith(r.Prefix ?? ''))
    .map((r) => r.ExpirationInDays!);
  return days.length > 0 ? Math.min(...days) : undefined;
};

/** How deep the deepest selection of the schema goes, counting a top-level field as level 1. */
const deepestSelection = (): number => {
  const { schema } = loadAppSyncSchema([path.join(REPO_ROOT, 'schema.graphql'), path.join(REPO_ROOT, 'appsync', 'builtins.graphql')]);
  const unwrap = (type: GraphQLOutputType): GraphQLOutputType =>
    isNonNullType(type) || isListType(type) ? unwrap(type.ofType as GraphQLOutputType) : type;
  // Levels below a value of this type: each field is one level, a scalar or enum ends the selection.
  const depth = (type: GraphQLOutputType, seen: readonly string[]): number => {
    const named = unwrap(type);
    if (!isObjectType(named)) return 0;
    if (seen.includes(named.name)) return Infinity;
    return Math.max(...Object.values(named.getFields()).map((f) => 1 + depth(f.type, [...seen, named.name])));
  };
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  return Math.max(...roots.flatMap((root) => (root ? [depth(root, [])] : [])));
};

describe('the schema', () => {
  it('fits inside the query depth limit: every field a client may select is reachable', () => {
    expect(deepestSelection()).toBe(5);
    expect(deepestSelection()).toBeLessThanOrEqual(QUERY_DEPTH_LIMIT);
  });
});

describe.each(STAGES)('stage %s', (stage) => {
  const s = () => synthesized[stage];
  const config = stageConfig({ stage });

  describe('query cost (item 10)', () => {
    const api = () => only(resourcesOf(s().template, 'AWS::AppSync::GraphQLApi'))[1].Properties as Record<string, unknown>;

    it('limits the depth of a query and the resolvers one request may invoke', () => {
      expect(api()).toMatchObject({ QueryDepthLimit: QUERY_DEPTH_LIMIT, ResolverCountLimit: RESOLVER_COUNT_LIMIT });
    });

    it(stage === 'prod' ? 'answers no introspection query' : 'answers introspection queries (a development aid)', () => {
      expect(api().IntrospectionConfig).toBe(stage === 'prod' ? 'DISABLED' : 'ENABLED');
    });

    it(stage === 'prod' ? 'logs field errors without verbose content (headers)' : 'logs field errors with verbose content', () => {
      expect(api().LogConfig).toMatchObject({ FieldLogLevel: 'ERROR', ExcludeVerboseContent: stage === 'prod' });
    });
  });

  describe('retention of stored objects (item 11)', () => {
    const rules = () => {
      const id = s().stack.getLogicalId(s().stack.node.findChild('ImageStore').node.findChild('Images').node.defaultChild as CfnElement);
      const bucket = resourcesOf(s().template, 'AWS::S3::Bucket')[id]?.Properties as { LifecycleConfiguration: { Rules: LifecycleRule[] } };
      return bucket.LifecycleConfiguration.Rules;
    };

    it.each([...Object.values(ANIMAL_PREFIX), 'thumbnails/', 'any-future-prefix/'])(
      'expires objects under %s when their records expire (retentionDays)',
      (prefix) => {
        expect(expirationOf(rules(), `${prefix}0f8e.jpg`)).toBe(config.retentionDays);
      },
    );

    it('expires never-processed uploads sooner, and keeps no deleted or expired bytes beyond a day', () => {
      expect(expirationOf(rules(), `${INPUT_PREFIX}0f8e.jpg`)).toBe(config.unprocessedInputExpiryDays);
      expect(config.unprocessedInputExpiryDays).toBeLessThan(config.retentionDays);
      const noncurrent = rules().filter((r) => r.NoncurrentVersionExpiration);
      expect(noncurrent).toEqual([expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } })]);
      expect(noncurrent[0]?.Prefix).toBeUndefined();
    });
  });

  // The stage's schedules but the record sweeper's (test/infra/stack.test.ts checks that one).
  const expiryReminders = () =>
    Object.fromEntries(
      Object.entries(resourcesOf(s().template, 'AWS::Scheduler::Schedule')).filter(([, r]) => r.Properties?.Name !== `${config.prefix}record-sweeper`),
    );

  // A key exists only where the stage's apiKeyAccess is on (issue 12); without one there is nothing to remind of.
  (stageConfig({ stage }).apiKeyAccess ? describe : describe.skip)('API key expiry (item 14)', () => {
    it('schedules a reminder to the operations topic apiKeyExpiryWarningDays before the key expires', () => {
      const [, key] = only(resourcesOf(s().template, 'AWS::AppSync::ApiKey'));
      const expiresMs = (key.Properties?.Expires as number) * 1000;
      const [, schedule] = only(expiryReminders());
      const props = schedule.Properties as {
        ScheduleExpression: string;
        ScheduleExpressionTimezone: string;
        Target: { Arn: unknown; RoleArn: unknown; Input: string };
      };
      const at = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(props.ScheduleExpression);
      expect(at).not.toBeNull();
      expect(props.ScheduleExpressionTimezone).toBe('UTC');
      const warnMs = Date.parse(`${at![1]}Z`);
      // Both are written in whole seconds: the reminder is the expiry minus the warning, to the second.
      expect(Math.abs(expiresMs - warnMs - config.apiKeyExpiryWarningDays * 86_400_000)).toBeLessThanOrEqual(1000);
      expect(config.apiKeyExpiryWarningDays).toBeLessThan(config.apiKeyExpiryDays);

      const topics = resourcesOf(s().template, 'AWS::SNS::Topic');
      const operations = Object.entries(topics).find(([, t]) => t.Properties?.TopicName === `${config.prefix}operations`)![0];
      expect(props.Target.Arn).toEqual({ Ref: operations });
      expect(props.Target.Input).toContain(new Date(expiresMs).toISOString().slice(0, 10));
    });

    it('lets the reminder role publish to that topic alone', () => {
      const [, schedule] = only(expiryReminders());
      const roleId = render((schedule.Properties as { Target: { RoleArn: unknown } }).Target.RoleArn).replace(/^<(.*)\.Arn>$/, '$1');
      const permissions = permissionsOfRole(s().template, roleId);
      expect(permissions.map((p) => p.actions).flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish']);
      const topics = resourcesOf(s().template, 'AWS::SNS::Topic');
      const operations = Object.entries(topics).find(([, t]) => t.Properties?.TopicName === `${config.prefix}operations`)![0];
      expect(permissions.find((p) => p.actions.includes('sns:Publish'))?.resources).toEqual([`<${operations}>`]);
    });
  });

  if (!stageConfig({ stage }).apiKeyAccess) {
    it('has no API key and no expiry reminder where API-key access is off (issue 12)', () => {
      s().template.resourceCountIs('AWS::AppSync::ApiKey', 0);
      expect(expiryReminders()).toEqual({});
    });
  }

  describe('small items (item 15)', () => {
    it('lets CloudWatch use the messaging key only for alarms of this account (aws:SourceAccount)', () => {
      const [, key] = only(resourcesOf(s().template, 'AWS::KMS::Key'));
      const statements = (key.Properties?.KeyPolicy as { Statement: Array<{ Principal?: { Service?: string }; Condition?: unknown }> }).Statement;
      const cloudwatch = statements.filter((st) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(cloudwatch).toHaveLength(1);
      expect(cloudwatch[0]?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    });

    it('lets the processor read exact versions of uploads, under input/ only (item 12)', () => {
      const role = s().stack.getLogicalId(s().stack.functions['image-processor'].role.node.defaultChild as CfnElement);
      const permissions = permissionsOfRole(s().template, role);
      const versions = permissions.filter((p) => p.actions.includes('s3:GetObjectVersion'));
      expect(versions.flatMap((p) => p.resources)).toEqual([expect.stringMatching(/\/input\/\*$/)]);
    });

    it('lets the processor list the bucket under input/ only', () => {
      const role = s().stack.getLogicalId(s().stack.functions['image-processor'].role.node.defaultChild as CfnElement);
      const policies = resourcesOf(s().template, 'AWS::IAM::Policy');
      const statements = Object.values(policies)
        .filter((p) => (p.Properties?.Roles as unknown[]).some((r) => render(r) === `<${role}>`))
        .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown; Condition?: unknown }> }).Statement);
      const listing = statements.filter((st) => [st.Action].flat().includes('s3:ListBucket'));
      expect(listing).toHaveLength(1);
      expect(listing[0]?.Condition).toEqual({ StringLike: { 's3:prefix': [`${INPUT_PREFIX}*`] } });
    });
  });
});

describe('the deploy workflow (item 15)', () => {
  const workflow = parseYaml(readFileSync(path.join(REPO_ROOT, '.github/workflows/deploy.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { environment?: string; if?: string; needs?: string | string[] }>;
  };
  const deployJobs = Object.entries(workflow.jobs).filter(([, job]) => job.environment !== undefined);

  it('can be started by hand (workflow_dispatch) on any branch', () => {
    expect(Object.keys(workflow.on)).toContain('workflow_dispatch');
  });

  it('deploys to an environment only from main, whatever started the run', () => {
    expect(deployJobs.map(([name]) => name).sort()).toEqual(['deploy-dev', 'deploy-prod']);
    for (const [, job] of deployJobs) expect(job.if).toBe("github.ref == 'refs/heads/main'");
  });
});
