import type { Role } from '#event-store';

/** Who is calling, from a verified token. A CUSTOMER always has an accountId. */
export interface Principal {
  id: string;
  role: Role;
  accountId: string | null;
  /** The person's name and e-mail address, from the token's `name` and `email` claims when it has them. */
  name?: string | null;
  email?: string | null;
}
