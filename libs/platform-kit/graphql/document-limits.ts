import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type SelectionSetNode, type ValidationRule } from 'graphql';

/**
 * Bounds on a GraphQL document's shape, checked in one linear pass before graphql-js validates it.
 *
 * graphql-js's own `OverlappingFieldsCanBeMergedRule` compares every pair of fields that share a response name
 * in a selection set, and every pair of fragments spread into one: quadratic in the document. Under the 1 MB
 * body limit a document of repeated `a: now a: __typename` held the event loop for seconds, with no token
 * needed. The token bound caps the document's size; the other bounds cap the pairs that rule compares.
 * Real clients stay far below them (the largest document in this repository has under 200 tokens).
 */
export const MAX_QUERY_TOKENS = 2000;
/** Fields with one response name (alias or name) in one selection set, inline fragments included. */
export const MAX_SAME_RESPONSE_NAME = 10;
/** Named fragment spreads in one selection set (its inline fragments included). */
export const MAX_SPREADS_PER_SELECTION_SET = 20;
/** Fragment definitions in one document. */
export const MAX_FRAGMENTS = 50;
/** Operations in one document. */
export const MAX_OPERATIONS = 20;

/** The first bound the (parsed) document exceeds, as a refusal; null when it stays within all of them. */
export function documentShapeError(document: DocumentNode): GraphQLError | null {
  let fragments = 0;
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments += 1;
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations += 1;
  }
  if (fragments > MAX_FRAGMENTS) return refusal(`The document defines ${fragments} fragments; at most ${MAX_FRAGMENTS} are allowed`);
  if (operations > MAX_OPERATIONS) return refusal(`The document holds ${operations} operations; at most ${MAX_OPERATIONS} are allowed`);
  // Every selection set is visited once (a fragment's through its definition, not at each spread): linear.
  const pending: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION || definition.kind === Kind.OPERATION_DEFINITION) pending.push(definition.selectionSet);
  }
  while (pending.length > 0) {
    const set = pending.pop()!;
    const names = new Map<string, number>();
    let spreads = 0;
    // Inline fragments merge into the set they sit in: count their fields with it.
    const flat: SelectionSetNode[] = [set];
    while (flat.length > 0) {
      for (const selection of flat.pop()!.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.alias?.value ?? selection.name.value;
          const count = (names.get(name) ?? 0) + 1;
          if (count > MAX_SAME_RESPONSE_NAME) return refusal(`"${name}" is selected ${count} times in one selection set; at most ${MAX_SAME_RESPONSE_NAME} are allowed`);
          names.set(name, count);
          if (selection.selectionSet) pending.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          flat.push(selection.selectionSet);
        } else {
          spreads += 1;
          if (spreads > MAX_SPREADS_PER_SELECTION_SET) return refusal(`A selection set spreads more than ${MAX_SPREADS_PER_SELECTION_SET} fragments; at most ${MAX_SPREADS_PER_SELECTION_SET} are allowed`);
        }
      }
    }
  }
  return null;
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Over HTTP, before Apollo: Apollo offers no hook between parsing and validation that can refuse (a plugin
 * throwing there answers 500), so the document is parsed here with the token bound and its shape checked; an
 * over-wide one is answered 400 `BAD_USER_INPUT` in GraphQL's error format, token or not. Anything that does
 * not parse goes on to Apollo, whose parser (same token bound, `parseOptions`) answers GRAPHQL_PARSE_FAILED.
 */
export function documentLimitsMiddleware(path = '/graphql') {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: () => void) => {
    const [pathname, search] = (req.url ?? '').split('?') as [string, string | undefined];
    if (pathname !== path) return next();
    const query = req.method === 'GET' ? new URLSearchParams(search ?? '').get('query') : (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string') return next();
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_QUERY_TOKENS });
    } catch {
      return next();
    }
    const error = documentShapeError(document);
    if (!error) return next();
    const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }] });
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/**
 * graphql-ws parses and validates a subscription's document itself, outside Apollo's pipeline: the same
 * bounds, and the same extra validation rules, hold there. Returns the refusal, or null to let graphql-ws go on.
 */
export function subscriptionDocumentErrors(query: unknown): GraphQLError[] | null {
  if (typeof query !== 'string') return [refusal('A subscription needs its query as a string')];
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_QUERY_TOKENS });
  } catch (error) {
    return [error instanceof GraphQLError ? new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }) : refusal('The query could not be parsed')];
  }
  const error = documentShapeError(document);
  return error ? [error] : null;
}

/** graphql-ws's `validate`: graphql-js's rules plus the platform's (depth), as Apollo runs them over HTTP. */
export function subscriptionValidator(rules: readonly ValidationRule[]) {
  return (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, [...specifiedRules, ...rules]);
}
