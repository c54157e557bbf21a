import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AppError, type ErrorCode } from '#contracts';
import { LOGGER, type Logger } from '#platform-kit';

/** How a channel endpoint answers a refusal: JSON with a code and a message, never a stack trace. */
export interface ChannelErrorBody {
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

export function channelError(status: number, code: ChannelErrorBody['code'], message: string, details: Record<string, unknown> = {}): HttpException {
  return new HttpException({ ...details, code, message } satisfies ChannelErrorBody, status);
}

export const channelNotConfigured = (variable: string) =>
  channelError(503, 'CHANNEL_NOT_CONFIGURED', `channel not configured: set ${variable} to enable this endpoint`);
export const channelUnauthenticated = (message: string) => channelError(401, 'UNAUTHENTICATED', message);

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
  headersSent?: boolean;
}

/** For the channel controllers: AppError codes map to HTTP statuses; anything unexpected is logged and answers 500. */
@Catch()
export class ChannelExceptionFilter implements ExceptionFilter {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger) {
    this.log = logger.child({ component: 'channels' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (response.headersSent) return;
    const { status, body } = this.describe(exception);
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ChannelErrorBody } {
    if (exception instanceof AppError) {
      return { status: STATUS_OF[exception.code] ?? 422, body: { ...exception.details, code: exception.code, message: exception.message } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (typeof payload === 'object' && payload !== null && 'code' in payload && 'message' in payload) {
        return { status, body: payload as ChannelErrorBody };
      }
      if (status < 500) {
        const code: ErrorCode =
          status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'BAD_USER_INPUT';
        return { status, body: { code, message: exception.message } };
      }
    }
    this.log.error({ err: exception }, 'unexpected error in a channel endpoint');
    return { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } };
  }
}
