import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import { AppError } from '#contracts';

/**
 * A refusal (AppError) thrown by a guard or resolver is the client's answer, not a server fault: rethrown to
 * GraphQL as it is (formatGraphqlError gives it its code) instead of Nest's handler logging it at error.
 * Rethrown rather than returned: a subscription's resolver must fail, not yield the error as its source.
 * Outside GraphQL, Nest's default handling stays.
 */
@Catch(AppError)
export class GraphqlRefusalFilter extends BaseExceptionFilter {
  override catch(exception: AppError, host: ArgumentsHost) {
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    return super.catch(exception, host);
  }
}
