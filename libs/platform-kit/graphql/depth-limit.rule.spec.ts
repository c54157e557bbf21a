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
  it('computes each fragment once: fragment doubling at 20 and 40 levels validates at once', () => {
    // `fragment Fi { ...F(i-1) ...F(i-1) }`: a re-walk per spread took 1.1 s at 20 levels and doubles per level.
    for (const levels of [20, 40]) {
      const fragments = ['fragment F0 on Query { node { name } }'];
      for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
      const start = performance.now();
      expect(depthErrors(`query { ...F${levels} } ${fragments.join(' ')}`)).toEqual([]);
      expect(performance.now() - start, `${levels} levels`).toBeLessThan(250);
    }
  });
  it('does not count introspection meta fields', () => {
    expect(depthErrors('{ __typename node { child { name } } }')).toEqual([]);
  });
});
