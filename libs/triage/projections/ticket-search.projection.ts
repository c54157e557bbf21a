import type { TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { applySearchEvent, SEARCH_EVENT_TYPES, searchVectors, type SearchDocument } from '../domain/search-document.js';

/**
 * Search's read model (`searchTickets`): one row per ticket with its texts (`doc`, for highlights) and tsvectors cut
 * by search-text.ts — `public_doc` without internal notes (what customers search), `staff_doc` with them, and the
 * opening's (`head_doc`) and the subject's (`subject_doc`) alone, search's candidate tiers — each under a GIN index.
 * Rebuildable from the ticket streams alone.
 *
 * The table keeps only its keys in the row (`toast_tuple_target = 128`: the texts and vectors go to its TOAST
 * table), so the heap is ~130 bytes a ticket (25 MB at 200,000 tickets) and a capped search's newest-first
 * candidate scans, which read the keys of every index hit and no vector, stay in cached pages.
 */
export const ticketSearchProjection: Projection = {
  name: 'triage.ticket_search',
  eventTypes: SEARCH_EVENT_TYPES,

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS triage');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.ticket_search (
      ticket_id text PRIMARY KEY, account_id text NOT NULL, opened_at timestamptz NOT NULL, doc jsonb NOT NULL,
      public_doc tsvector NOT NULL, staff_doc tsvector NOT NULL) WITH (toast_tuple_target = 128)`);
    // A table made before the setting: rows written from now on (and all after a rebuild) keep their vectors out of
    // line. Checked first, so a start takes no table lock when the setting is there.
    const [narrow] = await sql.query<{ set: boolean }>(
      "SELECT coalesce(reloptions @> ARRAY['toast_tuple_target=128'], false) AS set FROM pg_class WHERE oid = 'triage.ticket_search'::regclass",
    );
    if (!narrow?.set) await sql.query('ALTER TABLE triage.ticket_search SET (toast_tuple_target = 128)');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_search_public ON triage.ticket_search USING gin (public_doc)');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_search_by_account ON triage.ticket_search (account_id)');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_search_staff ON triage.ticket_search USING gin (staff_doc)');
    // The opening's fields alone (subject, description, diagnostics): search's candidate key. Rows written before
    // it existed read null (no head candidates) until `ledgerdesk projections rebuild triage.ticket_search`.
    await sql.query('ALTER TABLE triage.ticket_search ADD COLUMN IF NOT EXISTS head_doc tsvector');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_search_head ON triage.ticket_search USING gin (head_doc)');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_search_by_opening ON triage.ticket_search (opened_at DESC, ticket_id)');
    // The subject alone: the first candidate tier. Rows written before it read null (no subject tier) until a rebuild.
    await sql.query('ALTER TABLE triage.ticket_search ADD COLUMN IF NOT EXISTS subject_doc tsvector');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_search_subject ON triage.ticket_search USING gin (subject_doc)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM triage.ticket_search');
  },

  // Per batch: the touched tickets' documents read in one query, folded in memory, written by one upsert.
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const ids = [...new Set(events.map((event) => (event.data as { ticketId: string }).ticketId))];
    const docs = new Map<string, SearchDocument>();
    for (const row of await tx.query<{ doc: SearchDocument }>('SELECT doc FROM triage.ticket_search WHERE ticket_id = ANY($1)', [ids])) docs.set(row.doc.ticketId, row.doc);
    const changed = new Set<string>();
    for (const event of events) {
      const ticketEvent = event as unknown as TicketEvent;
      const before = docs.get(ticketEvent.data.ticketId) ?? null;
      const after = applySearchEvent(before, ticketEvent);
      if (after && after !== before) {
        docs.set(after.ticketId, after);
        changed.add(after.ticketId);
      }
    }
    if (changed.size === 0) return;
    const rows = [...changed].map((id) => {
      const doc = docs.get(id)!;
      const { publicVector, staffVector, headVector, subjectVector } = searchVectors(doc);
      return { ticket_id: id, account_id: doc.accountId, opened_at: doc.openedAt, doc, public_doc: publicVector, staff_doc: staffVector, head_doc: headVector, subject_doc: subjectVector };
    });
    await tx.query(
      `INSERT INTO triage.ticket_search (ticket_id, account_id, opened_at, doc, public_doc, staff_doc, head_doc, subject_doc)
       SELECT ticket_id, account_id, opened_at, doc, public_doc::tsvector, staff_doc::tsvector, head_doc::tsvector, subject_doc::tsvector
       FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, account_id text, opened_at timestamptz, doc jsonb, public_doc text, staff_doc text, head_doc text, subject_doc text)
       ON CONFLICT (ticket_id) DO UPDATE SET doc = EXCLUDED.doc, public_doc = EXCLUDED.public_doc, staff_doc = EXCLUDED.staff_doc, head_doc = EXCLUDED.head_doc, subject_doc = EXCLUDED.subject_doc`,
      [JSON.stringify(rows)],
    );
  },
};
