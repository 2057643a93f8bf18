/**
 * documentDepth: how deep a document's fields can nest, fragments spread in. A document no deeper than the
 * depth limit lets the server skip the per-field check, so it must never be lower than any field's real level.
 */
import { parse } from 'graphql';
import { documentDepth } from '../../../local/appsync-server/query-limits';

const depth = (document: string) => documentDepth(parse(document));

describe('documentDepth', () => {
  it('counts the levels of nested fields, a top-level field being level 1', () => {
    expect(depth('{ a }')).toBe(1);
    expect(depth('{ a { b { c } } d }')).toBe(3);
  });

  it('spreads named fragments where they are used, and inline fragments add no level', () => {
    expect(depth('{ a { ...F } } fragment F on T { b { ...G } } fragment G on U { c }')).toBe(3);
    expect(depth('{ a { ... on T { b { c } } } }')).toBe(3);
  });

  it('takes the deepest operation of the document', () => {
    expect(depth('query One { a } query Two { a { b { c { d } } } }')).toBe(4);
  });

  it('treats a fragment that spreads itself (which validation refuses) as unbounded', () => {
    expect(depth('{ a { ...F } } fragment F on T { b { ...F } }')).toBe(Number.POSITIVE_INFINITY);
  });
});
