import type { Role } from '#event-store';

export type { Principal } from '#contracts';

export const ROLES: readonly Role[] = ['CUSTOMER', 'ENGINEER', 'TAM', 'AUDITOR', 'ADMIN'];
export const STAFF_ROLES: readonly Role[] = ['ENGINEER', 'TAM', 'AUDITOR', 'ADMIN'];
/** Staff who work tickets (an AUDITOR reads everything and writes nothing). */
export const WORKING_STAFF_ROLES: readonly Role[] = ['ENGINEER', 'TAM', 'ADMIN'];
