import { Inject, Injectable } from '@nestjs/common';
import type { CalendarDefinition } from '#calendar';
import type { ContractSigned, ImChannelRef } from '#contracts';
import type { SqlClient } from '#event-store';
import { keysetSql, pageOf, READ_DB, type PageWindow } from '#platform-kit';

export interface AccountRow {
  id: string;
  name: string;
  region: string;
  timeZone: string;
  tamId: string | null;
  emailDomains: string[];
  imChannels: ImChannelRef[];
  registeredAt: Date;
}
export interface TamAssignmentRow {
  tamId: string;
  from: Date;
  to: Date | null;
  handoverNotes: string | null;
}
export interface StaffRow {
  id: string;
  name: string;
  role: 'ENGINEER' | 'TAM';
  regions: string[];
  skills: string[];
  calendarId: string | null;
  active: boolean;
}
export interface CalendarRow {
  id: string;
  name: string;
  version: number;
  definition: CalendarDefinition;
}
export type ContractRow = ContractSigned['data'];

/** Reads of the accounts context's read model (schema `accounts`). */
@Injectable()
export class AccountsQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async account(id: string): Promise<AccountRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM accounts.accounts WHERE id = $1', [id]);
    return row ? toAccount(row) : null;
  }

  /** A page ordered by registration (then id); the window's keys are `[registeredAt, id]`. */
  async accountsPage(window: PageWindow<[string, string]>): Promise<{ rows: AccountRow[]; hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number }> {
    const params: unknown[] = [];
    const keyset = keysetSql(window, ['registered_at', 'id'], ['timestamptz', 'text'], (value) => `$${params.push(value)}`);
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM accounts.accounts ${keyset.where.length ? `WHERE ${keyset.where.join(' AND ')}` : ''}
       ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
      params,
    );
    const [count] = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM accounts.accounts');
    const page = pageOf(rows.map(toAccount), window);
    return { ...page, totalCount: Number(count?.n ?? 0) };
  }

  async accountsByIds(ids: readonly string[]): Promise<AccountRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM accounts.accounts WHERE id = ANY($1)', [ids]);
    return rows.map(toAccount);
  }

  async staffByIds(ids: readonly string[]): Promise<StaffRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM accounts.staff WHERE id = ANY($1)', [ids]);
    return rows.map(toStaff);
  }

  /** Which of these e-mail domains and IM channels (`workspace/channel`) another account has. */
  async channelsTakenElsewhere(accountId: string, domains: readonly string[], channels: readonly ImChannelRef[]): Promise<string[]> {
    const taken = await this.db.query<{ name: string }>(
      `SELECT domain AS name FROM accounts.email_domains WHERE account_id <> $1 AND domain = ANY($2)
       UNION ALL
       SELECT workspace_id || '/' || channel_id FROM accounts.im_channels WHERE account_id <> $1 AND (workspace_id || '/' || channel_id) = ANY($3)`,
      [accountId, domains.map((d) => d.trim().toLowerCase()), channels.map((c) => `${c.workspaceId.trim()}/${c.channelId.trim()}`)],
    );
    return taken.map((row) => row.name);
  }

  /** Staff by id, filtered; with how many match. */
  async staffPage(
    filter: { role: string | null; region: string | null; active: boolean | null },
    first: number,
    after: string | null,
  ): Promise<{ rows: StaffRow[]; hasNextPage: boolean; totalCount: number }> {
    const where = `($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR $2 = ANY(regions)) AND ($3::boolean IS NULL OR active = $3)`;
    const params = [filter.role, filter.region, filter.active];
    const rows = await this.db.query<Record<string, any>>(
      `SELECT * FROM accounts.staff WHERE ${where} AND ($4::text IS NULL OR id > $4) ORDER BY id LIMIT $5`,
      [...params, after, first + 1],
    );
    const [count] = await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM accounts.staff WHERE ${where}`, params);
    return { rows: rows.slice(0, first).map(toStaff), hasNextPage: rows.length > first, totalCount: Number(count?.n ?? 0) };
  }

  async tamHistory(accountId: string): Promise<TamAssignmentRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      'SELECT tam_id, from_at, to_at, handover_notes FROM accounts.tam_assignments WHERE account_id = $1 ORDER BY seq',
      [accountId],
    );
    return rows.map((row) => ({ tamId: row.tam_id, from: new Date(row.from_at), to: row.to_at ? new Date(row.to_at) : null, handoverNotes: row.handover_notes }));
  }

  async staff(id: string): Promise<StaffRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM accounts.staff WHERE id = $1', [id]);
    return row ? toStaff(row) : null;
  }

  async calendar(id: string): Promise<CalendarRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM accounts.calendars WHERE id = $1', [id]);
    return row ? { id: row.id, name: row.name, version: Number(row.version), definition: row.definition } : null;
  }

  /** Every calendar in its latest version, by name. */
  async calendars(): Promise<CalendarRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM accounts.calendars ORDER BY name, id');
    return rows.map((row) => ({ id: row.id, name: row.name, version: Number(row.version), definition: row.definition }));
  }

  /** A calendar as it was at version `version` (tickets pin one). */
  async calendarVersion(id: string, version: number): Promise<CalendarRow | null> {
    const [row] = await this.db.query<Record<string, any>>(
      `SELECT c.id, c.name, v.version, v.definition FROM accounts.calendar_versions v JOIN accounts.calendars c ON c.id = v.calendar_id
       WHERE v.calendar_id = $1 AND v.version = $2`,
      [id, version],
    );
    return row ? { id: row.id, name: row.name, version: Number(row.version), definition: row.definition } : null;
  }

  async contracts(accountId: string): Promise<ContractRow[]> {
    const rows = await this.db.query<{ terms: ContractRow }>('SELECT terms FROM accounts.contracts WHERE account_id = $1 ORDER BY version', [accountId]);
    return rows.map((row) => row.terms);
  }
}

function toAccount(row: Record<string, any>): AccountRow {
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    timeZone: row.time_zone,
    tamId: row.tam_id,
    emailDomains: row.email_domains,
    imChannels: row.im_channels,
    registeredAt: new Date(row.registered_at),
  };
}

function toStaff(row: Record<string, any>): StaffRow {
  return { id: row.id, name: row.name, role: row.role, regions: row.regions, skills: row.skills, calendarId: row.calendar_id, active: row.active !== false };
}
