import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import { AppError } from '#contracts';

/**
 * A refusal (AppError) thrown by a guard or resolver is the client's answer, not a server fault: handed back
 * to Apollo as it is (formatGraphqlError gives it its code) instead of Nest's handler logging it at error.
 * Outside GraphQL, Nest's default handling stays.
 */
@Catch(AppError)
export class GraphqlRefusalFilter extends BaseExceptionFilter {
  override catch(exception: AppError, host: ArgumentsHost) {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    return super.catch(exception, host);
  }
}
