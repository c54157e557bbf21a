import { HttpException } from '@nestjs/common';
import type { RestErrorBody } from '#platform-kit';

/** A channel's refusal: JSON with a code and a message (RestExceptionFilter answers it). */
export type ChannelErrorBody = RestErrorBody;

export function channelError(status: number, code: ChannelErrorBody['code'], message: string, details: Record<string, unknown> = {}): HttpException {
  return new HttpException({ ...details, code, message } satisfies ChannelErrorBody, status);
}

export const channelNotConfigured = (variable: string) =>
  channelError(503, 'CHANNEL_NOT_CONFIGURED', `channel not configured: set ${variable} to enable this endpoint`);
export const channelUnauthenticated = (message: string) => channelError(401, 'UNAUTHENTICATED', message);
