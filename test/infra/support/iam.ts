/**
 * Reads IAM out of a synthesized template as plain strings, so tests can say "this role may PutObject
 * on exactly these ARNs" instead of matching CloudFormation intrinsics by hand.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface Permission {
  policy: string;
  effect: string;
  actions: string[];
  resources: string[];
  hasCondition: boolean;
}

/** Renders Ref/GetAtt/Join/Sub as readable text: {Fn::GetAtt: [Bucket, Arn]} -> "<Bucket.Arn>". */
export const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value && typeof value === 'object') {
    const [key, arg] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (key === 'Ref') return `<${String(arg)}>`;
    if (key === 'Fn::GetAtt') return `<${(arg as string[]).join('.')}>`;
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (key === 'Fn::Sub') return String(Array.isArray(arg) ? arg[0] : arg);
    return JSON.stringify(value);
  }
  return String(value);
};

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

interface PolicyDocument {
  Statement: Array<{ Effect: string; Action?: string | string[]; Resource?: unknown; Condition?: unknown }>;
}

/** Every statement of every AWS::IAM::Policy attached to the role with this logical id. */
export const permissionsOfRole = (template: Template, roleLogicalId: string): Permission[] => {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles?: unknown[]; PolicyDocument: PolicyDocument } }
  >;
  return Object.entries(policies)
    .filter(([, p]) => asArray(p.Properties.Roles).some((r) => render(r) === `<${roleLogicalId}>`))
    .flatMap(([id, p]) =>
      p.Properties.PolicyDocument.Statement.map((s) => ({
        policy: id,
        effect: s.Effect,
        actions: asArray(s.Action),
        resources: asArray(s.Resource as unknown).map(render),
        hasCondition: s.Condition !== undefined,
      })),
    );
};

/** Every identity-policy statement in the template (policies attached to roles). */
export const allPermissions = (template: Template): Permission[] => {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { PolicyDocument: PolicyDocument } }>;
  return Object.entries(policies).flatMap(([id, p]) =>
    p.Properties.PolicyDocument.Statement.map((s) => ({
      policy: id,
      effect: s.Effect,
      actions: asArray(s.Action),
      resources: asArray(s.Resource as unknown).map(render),
      hasCondition: s.Condition !== undefined,
    })),
  );
};

/** The resources on which the role is allowed the action (exact action name, no wildcard expansion). */
export const resourcesAllowed = (permissions: Permission[], action: string): string[] =>
  permissions.filter((p) => p.effect === 'Allow' && p.actions.includes(action)).flatMap((p) => p.resources);

/** Whether any Allow statement's action pattern (s3:Put*, *) covers the action. */
export const actionCovered = (permissions: Permission[], action: string): boolean =>
  permissions.some(
    (p) =>
      p.effect === 'Allow' &&
      p.actions.some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(action)),
  );
