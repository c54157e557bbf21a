import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Role } from '#event-store';
import { forbidden, unauthenticated } from '#contracts';
import type { AuthenticatedPrincipal } from './credentials.js';
import { PUBLIC_KEY, requestContextOf, ROLES_KEY } from './roles.decorator.js';

/** Global guard: every operation needs a valid credential unless marked @Public; @Roles narrows who. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const { principal, authError } = requestContextOf(context);
    if (!principal) throw authError ?? unauthenticated();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) throw forbidden(`This needs one of the roles ${roles.join(', ')}`);
    const scopes = (principal as AuthenticatedPrincipal).scopes;
    if (scopes && !scopes.includes('WRITE') && writes(context)) throw forbidden('This API key has only the READ scope');
    return true;
  }
}

/** A GraphQL mutation, or an HTTP request other than GET/HEAD. */
function writes(context: ExecutionContext): boolean {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().operation.operation === 'mutation';
  const method = context.switchToHttp().getRequest<{ method?: string }>().method ?? 'GET';
  return method !== 'GET' && method !== 'HEAD';
}
