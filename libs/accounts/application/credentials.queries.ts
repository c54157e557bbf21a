import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyScope, Role } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  accountId: string | null;
  scopes: ApiKeyScope[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

@Injectable()
export class CredentialsQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async apiKey(id: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM accounts.api_keys WHERE id = $1', [id]);
    return row ? toApiKey(row) : null;
  }

  /** A page ordered by creation; `after` is the last row of the previous page. */
  async apiKeysPage(first: number, after: { createdAt: string; id: string } | null): Promise<{ rows: ApiKeyRow[]; hasNextPage: boolean; totalCount: number }> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM accounts.api_keys
       WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::text)
       ORDER BY created_at, id LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? '', first + 1],
    );
    const [count] = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM accounts.api_keys');
    return { rows: rows.slice(0, first).map(toApiKey), hasNextPage: rows.length > first, totalCount: Number(count?.n ?? 0) };
  }
}

function toApiKey(row: Record<string, any>): ApiKeyRow {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    accountId: row.account_id,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    revokedReason: row.revoked_reason,
  };
}
