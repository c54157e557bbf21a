import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AppError, type ErrorCode } from '#contracts';
import { UnstorableText } from '#event-store';
import { LOGGER } from '../runtime.js';
import type { Logger } from '../logging/logger.js';

/** How a REST endpoint answers a refusal: JSON with a code and a message, never a stack trace. */
export interface RestErrorBody {
  code: ErrorCode | 'CHANNEL_NOT_CONFIGURED' | 'INTERNAL_SERVER_ERROR';
  message: string;
  [detail: string]: unknown;
}

const STATUS_OF: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
  headersSent?: boolean;
}

/**
 * For the REST controllers (channels, evidence bundles, agenda feeds): AppError codes map to HTTP statuses, an
 * HttpException keeps its status, anything unexpected is logged and answers 500.
 */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger) {
    this.log = logger.child({ component: 'http' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (response.headersSent) return;
    const { status, body } = this.describe(exception);
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: RestErrorBody } {
    if (exception instanceof AppError) {
      return { status: STATUS_OF[exception.code] ?? 422, body: { ...exception.details, code: exception.code, message: exception.message } };
    }
    if (exception instanceof UnstorableText) {
      return { status: STATUS_OF.BAD_USER_INPUT, body: { code: 'BAD_USER_INPUT', message: exception.message, field: exception.path } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (typeof payload === 'object' && payload !== null && 'code' in payload && 'message' in payload) {
        return { status, body: payload as RestErrorBody };
      }
      if (status < 500) {
        const code: ErrorCode =
          status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'BAD_USER_INPUT';
        return { status, body: { code, message: exception.message } };
      }
    }
    this.log.error({ err: exception }, 'unexpected error in a REST endpoint');
    return { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } };
  }
}
