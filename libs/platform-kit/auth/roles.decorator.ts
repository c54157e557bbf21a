import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '#event-store';
import type { Principal } from './principal.js';

export const ROLES_KEY = 'ledgerdesk:roles';
export const PUBLIC_KEY = 'ledgerdesk:public';

/** Only these roles may call it (FORBIDDEN otherwise). Without it any authenticated caller may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No token needed (health checks, channel webhooks with their own authentication). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface RequestContext {
  principal: Principal | null;
  /** Per-request DataLoaders, so nested fields batch their reads (no N+1). */
  loaders?: Map<string, unknown>;
  /** Why there is no principal (missing, forged, expired token), thrown when an operation needs one. */
  authError: Error | null;
}

export function requestContextOf(context: ExecutionContext): RequestContext {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<RequestContext>();
  return context.switchToHttp().getRequest<{ ledgerdesk?: RequestContext }>().ledgerdesk ?? { principal: null, authError: null };
}

/** The verified caller of a resolver (the guard has already refused anonymous calls). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = requestContextOf(context).principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public operation');
  return principal;
});
