import { Inject, Injectable } from '@nestjs/common';
import type { CalendarDefinition } from '#calendar';
import type { ContractSigned } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';

/** An account as health checks sees it (its own copy: `health-checks.directory`). */
export interface DirectoryAccount {
  id: string;
  name: string;
  timeZone: string;
  tamId: string | null;
}
export interface DirectoryStaff {
  id: string;
  name: string;
  role: 'ENGINEER' | 'TAM';
}
export type DirectoryContract = ContractSigned['data'];

/** Reads of health checks' copy of accounts, staff, contracts and calendars. */
@Injectable()
export class HealthChecksDirectory {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async account(id: string): Promise<DirectoryAccount | null> {
    return (await this.accountsByIds([id]))[0] ?? null;
  }

  async accountsByIds(ids: readonly string[]): Promise<DirectoryAccount[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT id, name, time_zone, tam_id FROM health_checks.accounts WHERE id = ANY($1)', [ids]);
    return rows.map((row) => ({ id: row.id, name: row.name, timeZone: row.time_zone, tamId: row.tam_id }));
  }

  async staff(id: string): Promise<DirectoryStaff | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT id, name, role FROM health_checks.staff WHERE id = $1', [id]);
    return row ? { id: row.id, name: row.name, role: row.role } : null;
  }

  /** Every contract version of the account, oldest first. */
  async contracts(accountId: string): Promise<DirectoryContract[]> {
    const rows = await this.db.query<{ terms: DirectoryContract }>('SELECT terms FROM health_checks.contracts WHERE account_id = $1 ORDER BY version', [accountId]);
    return rows.map((row) => row.terms);
  }

  /** The calendar's latest version. */
  async calendar(id: string): Promise<CalendarDefinition | null> {
    const [row] = await this.db.query<{ definition: CalendarDefinition }>('SELECT definition FROM health_checks.calendars WHERE id = $1', [id]);
    return row?.definition ?? null;
  }
}
