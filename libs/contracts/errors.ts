/** The error codes of the public contract; anything else reaches a client as INTERNAL_SERVER_ERROR. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';

/**
 * A refusal meant for the client — from a domain decision or an input check. Its message and code are
 * shown; nothing else is. Pure domain code throws it too (it carries no I/O).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra facts for the client, e.g. the offending input field. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badUserInput = (message: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'Not allowed for your role') => new AppError('FORBIDDEN', message);
export const unauthenticated = (message = 'A valid bearer token is required') => new AppError('UNAUTHENTICATED', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);
