/**
 * util.transform.toDynamoDBFilterExpression / toDynamoDBConditionExpression: an operator object
 * ({ title: { beginsWith: 'far' }, or: [...] }) as a DynamoDB expression with typed values, returned
 * as a JSON string the way AppSync returns it. Fields AND together unless or/not say otherwise.
 */
import { toDynamoDB, type TypedValue } from './dynamodb';

interface Expression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, TypedValue>;
}

const BINARY: Record<string, string> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Builder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, TypedValue> = {};

  private name(field: string): string {
    const placeholder = `#${field.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[placeholder] = field;
    return placeholder;
  }

  private value(field: string, op: string, value: unknown): string {
    const base = `:${field.replace(/[^A-Za-z0-9_]/g, '_')}_${op}`;
    let placeholder = base;
    for (let i = 1; placeholder in this.values; i += 1) placeholder = `${base}_${i}`;
    this.values[placeholder] = toDynamoDB(value);
    return placeholder;
  }

  private condition(field: string, op: string, operand: unknown): string {
    const name = this.name(field);
    const binary = BINARY[op];
    if (binary) return `(${name} ${binary} ${this.value(field, op, operand)})`;
    switch (op) {
      case 'in': {
        const list = (operand as unknown[]).map((v) => this.value(field, op, v));
        return `(${name} IN (${list.join(', ')}))`;
      }
      case 'between': {
        const [low, high] = operand as [unknown, unknown];
        return `(${name} BETWEEN ${this.value(field, op, low)} AND ${this.value(field, op, high)})`;
      }
      case 'beginsWith':
        return `(begins_with(${name}, ${this.value(field, op, operand)}))`;
      case 'contains':
        return `(contains(${name}, ${this.value(field, op, operand)}))`;
      case 'notContains':
        return `(NOT contains(${name}, ${this.value(field, op, operand)}))`;
      case 'attributeExists':
        return operand ? `(attribute_exists(${name}))` : `(attribute_not_exists(${name}))`;
      case 'attributeType':
        return `(attribute_type(${name}, ${this.value(field, op, operand)}))`;
      case 'size':
        throw new TypeError('size conditions are not supported by the local runtime');
      default:
        throw new TypeError(`Unknown DynamoDB filter operator: ${op}`);
    }
  }

  build(filter: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const [key, spec] of Object.entries(filter)) {
      if (spec === undefined || spec === null) continue;
      if (key === 'and' || key === 'or') {
        const items = (Array.isArray(spec) ? spec : [spec]) as Record<string, unknown>[];
        const built = items.map((item) => this.build(item)).filter((e) => e !== '');
        if (built.length > 0) parts.push(`(${built.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        const inner = this.build(spec as Record<string, unknown>);
        if (inner) parts.push(`(NOT ${inner})`);
      } else if (isRecord(spec)) {
        for (const [op, operand] of Object.entries(spec)) {
          if (operand !== undefined && operand !== null) parts.push(this.condition(key, op, operand));
        }
      }
    }
    return parts.length === 1 ? (parts[0] as string) : parts.length ? `(${parts.join(' AND ')})` : '';
  }
}

export const toDynamoDBFilterExpression = (filter: Record<string, unknown>): string => {
  const builder = new Builder();
  const expression = builder.build(filter);
  const result: Expression = { expression, expressionNames: builder.names, expressionValues: builder.values };
  return JSON.stringify(result);
};
