import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import { unstorableTextPath } from '#event-store';

/**
 * Refuses a GraphQL request whose variables or string literals hold text no store can keep (NUL, an unpaired
 * surrogate) before any resolver runs: such text would otherwise fail wherever it is first used — a derived
 * id (UUID v5 encodes the text as UTF-8 and throws), a query parameter, an append — each needing its own
 * guard. The store's own gate stays as the last line for every other way in (channels, timers).
 */
export function storableInputPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const path = unstorableTextPath(request.variables ?? {}, 'variables') ?? unstorableLiteral(document);
          if (path) {
            throw new GraphQLError(`Text must not contain NUL characters or unpaired UTF-16 surrogates (at ${path})`, {
              extensions: { code: 'BAD_USER_INPUT', field: path, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

function unstorableLiteral(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node) {
      if (unstorableTextPath(node.value)) {
        found = `query, line ${node.loc?.startToken.line ?? '?'}`;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
