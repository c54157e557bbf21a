import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimitRule } from './depth-limit.rule.js';

const schema = buildSchema('type Query { node: Node } type Node { child: Node, name: String }');
const depthErrors = (query: string, max = 3) =>
  validate(schema, parse(query), [depthLimitRule(max)]).map((error) => error.message);

describe('depth limit', () => {
  it('allows documents at the limit', () => {
    expect(depthErrors('{ node { child { name } } }')).toEqual([]);
  });
  it('refuses one level deeper', () => {
    expect(depthErrors('{ node { child { child { name } } } }')).toEqual([
      'The query is nested 4 levels deep; at most 3 are allowed',
    ]);
  });
  it('follows fragments and inline fragments, and survives fragment cycles', () => {
    expect(depthErrors('{ node { ...A } } fragment A on Node { child { ... on Node { child { name } } } }')).toHaveLength(1);
    expect(depthErrors('{ node { ...A } } fragment A on Node { child { ...A } }', 50)).toEqual([]);
  });
  it('does not count introspection meta fields', () => {
    expect(depthErrors('{ __typename node { child { name } } }')).toEqual([]);
  });
});
