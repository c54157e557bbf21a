import { HttpException } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '#contracts';
import { UnstorableText } from '#event-store';

const CLIENT_CODES = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);
// Apollo's own request-level codes: all of them are the client's input being wrong.
const INPUT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Every error a client sees has one of the contract's codes and no stack trace. Anything unexpected is
 * logged in full and reaches the client as a bare INTERNAL_SERVER_ERROR.
 */
export function formatGraphqlError(onInternal: (error: unknown) => void) {
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
    const code = String(formatted.extensions?.['code'] ?? '');
    if (CLIENT_CODES.has(code)) return { ...base, extensions: { code } };
    if (INPUT_CODES.has(code)) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    onInternal(original);
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
