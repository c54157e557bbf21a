import type { Role } from '#event-store';

export const ROLES: readonly Role[] = ['CUSTOMER', 'ENGINEER', 'TAM', 'AUDITOR', 'ADMIN'];
export const STAFF_ROLES: readonly Role[] = ['ENGINEER', 'TAM', 'AUDITOR', 'ADMIN'];

/** Who is calling, from a verified token. A CUSTOMER always has an accountId. */
export interface Principal {
  id: string;
  role: Role;
  accountId: string | null;
}
