import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyScope, Role } from '#contracts';
import type { SqlClient } from '#event-store';
import { keysetSql, pageOf, READ_DB, type PageWindow } from '#platform-kit';

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
  async apiKeysPage(window: PageWindow<[string, string]>): Promise<{ rows: ApiKeyRow[]; hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number }> {
    const params: unknown[] = [];
    const keyset = keysetSql(window, ['created_at', 'id'], ['timestamptz', 'text'], (value) => `$${params.push(value)}`);
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM accounts.api_keys ${keyset.where.length ? `WHERE ${keyset.where.join(' AND ')}` : ''}
       ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
      params,
    );
    const [count] = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM accounts.api_keys');
    return { ...pageOf(rows.map(toApiKey), window), totalCount: Number(count?.n ?? 0) };
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
