import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '#event-store';
import { forbidden, unauthenticated } from '#contracts';
import { PUBLIC_KEY, requestContextOf, ROLES_KEY } from './roles.decorator.js';

/** Global guard: every operation needs a valid token unless marked @Public; @Roles narrows who. */
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
    return true;
  }
}
