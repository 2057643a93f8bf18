/**
 * Loads schema.graphql (plus AppSync's implicit built-ins) into a graphql-js schema and reads the
 * AppSync directives the server acts on: auth modes per field and @aws_subscribe links.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isObjectType,
  isScalarType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLSchema,
} from 'graphql';
import { AWS_SCALARS } from './scalars';

export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS';

const AUTH_DIRECTIVES: Record<string, AuthMode> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
};

export interface AppSyncSchema {
  schema: GraphQLSchema;
  /** The auth modes allowed on Type.field, with AppSync's precedence: field directives, then type, then default. */
  allowedModes(typeName: string, fieldName: string): readonly AuthMode[];
  /** Subscription fields that a mutation field triggers (its @aws_subscribe(mutations: [...]) listings). */
  subscriptionsFor(mutationField: string): readonly string[];
  /** Mutation fields a subscription field listens to. */
  mutationsFor(subscriptionField: string): readonly string[];
}

const modesOf = (directives: readonly ConstDirectiveNode[] | undefined): AuthMode[] =>
  (directives ?? []).flatMap((d) => (d.name.value in AUTH_DIRECTIVES ? [AUTH_DIRECTIVES[d.name.value]!] : []));

/**
 * buildSchema gives every `scalar X` identity coercion; AppSync's scalars validate. graphql-js has no
 * supported way to swap a scalar's implementation after building from SDL, so the built instances take
 * over the coercion functions of our definitions (the same thing graphql-tools' addResolversToSchema does).
 */
const installScalars = (schema: GraphQLSchema): void => {
  for (const definition of AWS_SCALARS) {
    const built = schema.getType(definition.name);
    if (!built || !isScalarType(built)) continue;
    built.serialize = definition.serialize;
    built.parseValue = definition.parseValue;
    built.parseLiteral = definition.parseLiteral;
    built.description = built.description ?? definition.description;
  }
};

export const loadAppSyncSchema = (schemaPaths: readonly string[], defaultMode: AuthMode = 'AMAZON_COGNITO_USER_POOLS'): AppSyncSchema => {
  const sdl = schemaPaths.map((path) => readFileSync(path, 'utf8')).join('\n');
  const schema = buildSchema(sdl);
  installScalars(schema);

  const modes = new Map<string, readonly AuthMode[]>();
  const subscriptionsByMutation = new Map<string, string[]>();
  const mutationsBySubscription = new Map<string, string[]>();

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeModes = modesOf(type.astNode?.directives);
    for (const field of Object.values(type.getFields())) {
      const fieldModes = modesOf(field.astNode?.directives);
      const effective = fieldModes.length > 0 ? fieldModes : typeModes.length > 0 ? typeModes : [defaultMode];
      modes.set(`${type.name}.${field.name}`, effective);
    }
  }

  const subscriptionType = schema.getSubscriptionType();
  for (const field of Object.values(subscriptionType?.getFields() ?? {})) {
    const subscribe = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    const argument = subscribe?.arguments?.find((a) => a.name.value === 'mutations');
    const mutations = argument ? (valueFromASTUntyped(argument.value) as unknown) : [];
    if (!Array.isArray(mutations)) continue;
    const names = mutations.filter((m): m is string => typeof m === 'string');
    mutationsBySubscription.set(field.name, names);
    for (const mutation of names) {
      subscriptionsByMutation.set(mutation, [...(subscriptionsByMutation.get(mutation) ?? []), field.name]);
    }
  }

  return {
    schema,
    allowedModes: (typeName, fieldName) => modes.get(`${typeName}.${fieldName}`) ?? [defaultMode],
    subscriptionsFor: (mutationField) => subscriptionsByMutation.get(mutationField) ?? [],
    mutationsFor: (subscriptionField) => mutationsBySubscription.get(subscriptionField) ?? [],
  };
};
