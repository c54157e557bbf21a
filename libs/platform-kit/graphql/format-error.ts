import { HttpException } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '#contracts';
import { UnstorableText } from '#event-store';

const CLIENT_CODES = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);
/**
 * Apollo's own request-level codes, passed through unchanged: clients (Apollo Client's persisted-query link
 * above all) act on them, so folding them into BAD_USER_INPUT would break their protocol.
 */
export const APOLLO_REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);
/** Part of the APQ handshake (the client answers with the full query), not a mistake worth a log line. */
const PROTOCOL_CODES = new Set(['PERSISTED_QUERY_NOT_FOUND']);

export interface GraphqlErrorLog {
  /** Something the server got wrong: logged in full, at error. */
  internal(error: unknown): void;
  /** A malformed or invalid request: the client's mistake, logged at warn. */
  clientMistake(code: string, message: string): void;
}

/**
 * Every error a client sees has one of the contract's codes or one of Apollo's request codes, and no stack
 * trace. Anything unexpected is logged in full and reaches the client as a bare INTERNAL_SERVER_ERROR.
 */
export function formatGraphqlError(log: GraphqlErrorLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof AppError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
    }
    if (original instanceof UnstorableText) {
      return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT', field: original.path } };
    }
    if (original instanceof HttpException) {
      const status = original.getStatus();
      const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : status < 500 ? 'BAD_USER_INPUT' : null;
      if (code) return { ...base, extensions: { code } };
    }
    const code = requestRefusal(error) ?? String(formatted.extensions?.['code'] ?? '');
    if (CLIENT_CODES.has(code)) {
      const field = formatted.extensions?.['field'];
      return { ...base, extensions: typeof field === 'string' ? { code, field } : { code } };
    }
    if (APOLLO_REQUEST_CODES.has(code)) {
      if (!PROTOCOL_CODES.has(code)) log.clientMistake(code, formatted.message);
      return { ...base, extensions: { code } };
    }
    log.internal(original);
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * Apollo refuses some requests with an HTTP 4xx status but no code (an APQ hash that does not match its
 * query): they are bad requests, not server faults.
 */
function requestRefusal(error: unknown): string | null {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions['code'] !== undefined) return null;
  const status = (error.extensions['http'] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? 'BAD_REQUEST' : null;
}
