import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { documentShapeError, MAX_QUERY_TOKENS, subscriptionDocumentErrors } from './document-limits.js';

const shape = (query: string) => documentShapeError(parse(query))?.message ?? null;
const repeat = (count: number, unit: (i: number) => string) => Array.from({ length: count }, (_, i) => unit(i)).join(' ');

describe('document limits', () => {
  it('lets ordinary documents through: aliases, fragments, inline fragments, a few operations', () => {
    expect(shape('query A { a: now b: now ...F ... on Query { now } } query B { now } fragment F on Query { now }')).toBeNull();
    expect(shape(`{ ${repeat(10, () => 'now')} }`)).toBeNull();
  });

  it('refuses a response name selected more than 10 times in one selection set, inline fragments counted with it', () => {
    // graphql-js compares every pair of such fields: 700 of them held the loop for about a second.
    expect(shape(`{ ${repeat(11, (i) => (i % 2 ? 'a: now' : 'a: __typename'))} }`)).toMatch(/"a" is selected 11 times/);
    expect(shape(`{ tickets { ${repeat(6, () => 'totalCount')} ... on TicketConnection { ${repeat(5, () => 'totalCount')} } } }`)).toMatch(/"totalCount" is selected 11 times/);
  });

  it('refuses more than 20 fragment spreads in one selection set, 50 fragments or 20 operations in a document', () => {
    const fragments = (count: number) => repeat(count, (i) => `fragment G${i} on Query { now }`);
    expect(shape(`{ ${repeat(21, (i) => `...G${i}`)} } ${fragments(21)}`)).toMatch(/spreads more than 20 fragments/);
    expect(shape(`{ now } ${fragments(51)}`)).toMatch(/defines 51 fragments/);
    expect(shape(repeat(21, (i) => `query Q${i} { now }`))).toMatch(/holds 21 operations/);
  });

  it('checks each fragment once, not at each spread, so fragment doubling stays linear', () => {
    const fragments = ['fragment F0 on Query { now }'];
    for (let i = 1; i <= 40; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const start = performance.now();
    expect(shape(`query { ...F40 } ${fragments.join(' ')}`)).toBeNull();
    expect(performance.now() - start).toBeLessThan(1000); // 2^40 visits otherwise
  });

  it('holds for subscriptions too: the token bound at parsing, then the shape', () => {
    expect(subscriptionDocumentErrors('subscription { slaAlerts { kind } }')).toBeNull();
    expect(subscriptionDocumentErrors(`subscription { slaAlerts { ${repeat(MAX_QUERY_TOKENS, () => 'kind')} } }`)?.[0]?.extensions['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect(subscriptionDocumentErrors(`subscription { slaAlerts { ${repeat(11, () => 'kind')} } }`)?.[0]?.message).toMatch(/"kind" is selected 11 times/);
    expect(subscriptionDocumentErrors(7)?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
  });
});
