import type { Role } from '#event-store';

/** Who is calling, from a verified token. A CUSTOMER always has an accountId. */
export interface Principal {
  id: string;
  role: Role;
  accountId: string | null;
}
