import { Inject, Injectable } from '@nestjs/common';
import type { CalendarDefinition } from '#calendar';
import type { ContractSigned, TicketEvent } from '#contracts';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';
import type { SlaPolicy } from '../domain/sla-engine.js';

export interface TicketSlaRow {
  ticketId: string;
  accountId: string | null;
  policy: SlaPolicy | null;
  events: TicketEvent[];
}

/** Reads of the SLA context's read model (schema `sla`). */
@Injectable()
export class SlaQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async contracts(accountId: string): Promise<ContractSigned['data'][]> {
    const rows = await this.db.query<{ terms: ContractSigned['data'] }>('SELECT terms FROM sla.contracts WHERE account_id = $1 ORDER BY version', [accountId]);
    return rows.map((row) => row.terms);
  }

  /** The calendar as it stood at `at`: the latest version recorded by then (the first, if `at` precedes it). */
  async calendarVersionAt(calendarId: string, at: Date): Promise<{ version: number; definition: CalendarDefinition } | null> {
    const [row] = await this.db.query<{ version: number; definition: CalendarDefinition }>(
      `SELECT version, definition FROM sla.calendar_versions WHERE calendar_id = $1
       ORDER BY (valid_from <= $2) DESC, CASE WHEN valid_from <= $2 THEN -version ELSE version END LIMIT 1`,
      [calendarId, at],
    );
    return row ? { version: Number(row.version), definition: row.definition } : null;
  }

  async ticketSla(ticketIds: readonly string[]): Promise<TicketSlaRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT ticket_id, account_id, policy, events FROM sla.ticket_sla WHERE ticket_id = ANY($1)', [ticketIds]);
    return rows.map((row) => ({ ticketId: row.ticket_id, accountId: row.account_id, policy: row.policy, events: row.events }));
  }
}
