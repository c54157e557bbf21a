/**
 * BENCH_WHATIF=a,b,…: candidate fixes, simulated by patching the compiled modules inside the bench process only
 * (no file outside bench/ changes), so that their effect can be measured before anyone writes them properly.
 * The printed table names the ones applied; a run with any of them is NOT a measurement of the shipped code.
 * Written against commit 37ff0c0 and brought along to a2b14ec (which already notifies after the commit, so
 * notify-after-commit refuses to run there). The single-append and route-async what-ifs are gone: openTicket
 * now records TicketOpened + TicketAssigned in one append and waits once (see README, Benchmarks).
 *
 *   settle-relevant      settled()/waitFor waits only for the projections that handle the appended event types
 *                        (today it waits for every projection of the process, even those that skip the events)
 *   wakeup-fix           the subscription's "hidden events?" check also answers yes when events it has not read
 *                        became readable meanwhile (today that case sleeps until the next NOTIFY: a lost wake-up)
 *   guard-index          the same "hidden events?" question asked as ORDER BY … LIMIT 1 instead of EXISTS (…): today
 *                        the planner answers the EXISTS with a SEQUENTIAL SCAN of event_store.events — every poll
 *                        of every projection reads the whole log (wakeup-fix includes this)
 *   notify-after-commit  pg_notify is sent after the append commits, in its own statement, instead of inside the
 *                        append's transaction (which holds PostgreSQL's global NOTIFY lock through the WAL flush)
 *   routing-reads        routing reads no open-ticket counts at all — simulated as a zero count, i.e. the cost of
 *                        reading a per-engineer counter kept by a projection (today the counts are recomputed
 *                        whenever triage.tickets' checkpoint moved: O(open tickets) a few times per batch) — and
 *                        no shift calendars (always on shift, as the bench's 24x7 calendar is)
 *   jwt-cryptokey        TokenService verifies with a CryptoKey imported once (today jose imports the raw secret on
 *                        every verify)
 *   lazy-checkpoint      a projection batch with no event the projection handles opens no transaction:
 *                        its checkpoint moves in memory only (today: BEGIN, checkpoint upsert, COMMIT with a WAL
 *                        flush, for every batch of every projection, even one that skips every event in it)
 */
import { webcrypto } from 'node:crypto';
import { EVENTS_CHANNEL, PgliteClient, PostgresClient, SqlEventStore, type AppendResult, type NewEvent, type Position, type SqlExecutor } from '#event-store';
import type { TokenService } from '#platform-kit';
import { ProjectionRunner, type Projection } from '#projections';
import { TicketsQueries } from '#triage';

export const WHAT_IFS = ['settle-relevant', 'wakeup-fix', 'guard-index', 'notify-after-commit', 'lazy-checkpoint', 'routing-reads', 'jwt-cryptokey'] as const;
export type WhatIf = (typeof WHAT_IFS)[number];

export function parseWhatIfs(raw: string | undefined): WhatIf[] {
  const names = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (!(WHAT_IFS as readonly string[]).includes(name)) throw new Error(`BENCH_WHATIF: unknown "${name}"; known: ${WHAT_IFS.join(', ')}`);
  return names as WhatIf[];
}

const key = (p: Position) => `${p.commit}/${p.prepare}`;

export function applyWhatIfs(whatIfs: readonly WhatIf[]): void {
  if (whatIfs.includes('settle-relevant')) {
    // Remember which event types each append wrote, by the position waitFor is later given.
    const typesAt = new Map<string, Set<string>>();
    const append = SqlEventStore.prototype.append;
    SqlEventStore.prototype.append = async function (this: SqlEventStore, stream: string, events: NewEvent[], expected) {
      const result: AppendResult = await append.call(this, stream, events, expected);
      typesAt.set(key(result.position), new Set(events.map((e) => e.type)));
      if (typesAt.size > 100_000) typesAt.clear();
      return result;
    };
    const waitFor = ProjectionRunner.prototype.waitFor;
    ProjectionRunner.prototype.waitFor = async function (this: ProjectionRunner, position: Position, timeoutMs?: number) {
      const types = typesAt.get(key(position));
      if (!types) return waitFor.call(this, position, timeoutMs);
      const loops = (this as unknown as { loops: Map<string, { projection: Projection; reached(p: Position): boolean; waitFor(p: Position): Promise<void> }> }).loops;
      const pending = [...loops.values()].filter((loop) => loop.projection.eventTypes.some((t) => types.has(t)) && !loop.reached(position));
      if (pending.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.all(pending.map((loop) => loop.waitFor(position))),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('what-if settle-relevant: read models did not reach the write')), timeoutMs ?? 10_000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
  }

  if (whatIfs.includes('wakeup-fix')) {
    SqlEventStore.prototype.hasEventsBehindGuard = async function (this: SqlEventStore, after: Position | null): Promise<boolean> {
      const from = after ?? { commit: 0n, prepare: 0n };
      // Anything after `after` at all: hidden behind the guard (recheck soon) or readable by now (read it).
      // ORDER BY … LIMIT 1 rather than EXISTS: the planner then walks events_global_order instead of a seq scan.
      const rows = await this.sql.query<{ pending: number }>(
        `SELECT 1 AS pending FROM event_store.events WHERE (transaction_id, seq) > ($1::bigint, $2::bigint)
         ORDER BY transaction_id, seq LIMIT 1`,
        [from.commit.toString(), from.prepare.toString()],
      );
      return rows.length > 0;
    };
  } else if (whatIfs.includes('guard-index')) {
    SqlEventStore.prototype.hasEventsBehindGuard = async function (this: SqlEventStore, after: Position | null): Promise<boolean> {
      const from = after ?? { commit: 0n, prepare: 0n };
      // The same question as today's, asked so that the planner uses events_global_order (no seq scan).
      const rows = await this.sql.query<{ pending: number }>(
        `SELECT 1 AS pending FROM event_store.events
         WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint
           AND (transaction_id, seq) > ($1::bigint, $2::bigint)
         ORDER BY transaction_id, seq LIMIT 1`,
        [from.commit.toString(), from.prepare.toString()],
      );
      return rows.length > 0;
    };
  }

  if (whatIfs.includes('notify-after-commit')) {
    const proto = SqlEventStore.prototype as unknown as {
      appendInTransaction(tx: SqlExecutor, ...rest: unknown[]): Promise<AppendResult>;
    };
    const inTransaction = proto.appendInTransaction;
    if (typeof inTransaction !== 'function') throw new Error('BENCH_WHATIF=notify-after-commit: this event store already notifies after the commit');
    const notify = `, pg_notify('${EVENTS_CHANNEL}', '')`;
    proto.appendInTransaction = function (this: SqlEventStore, tx: SqlExecutor, ...rest: unknown[]) {
      const withoutNotify: SqlExecutor = { query: (text, params) => tx.query(text.replace(notify, ''), params) };
      return inTransaction.call(this, withoutNotify, ...rest);
    };
    const append = SqlEventStore.prototype.append;
    SqlEventStore.prototype.append = async function (this: SqlEventStore, stream: string, events: NewEvent[], expected) {
      const result = await append.call(this, stream, events, expected);
      if (!result.alreadyRecorded) await this.sql.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
      return result;
    };
  }

  if (whatIfs.includes('lazy-checkpoint')) {
    for (const Client of [PostgresClient, PgliteClient]) lazyCheckpoint(Client.prototype);
  }

  if (whatIfs.includes('routing-reads')) {
    TicketsQueries.prototype.routingDirectory = async function (this: TicketsQueries, accountId: string) {
      const db = (this as unknown as { db: SqlExecutor }).db;
      const rows = await db.query<{ region: string | null; tam_id: string | null; id: string | null; role: string; regions: string[]; skills: string[] }>(
        `SELECT a.region, a.tam_id, s.id, s.role, s.regions, s.skills FROM (SELECT 1) AS one
         LEFT JOIN triage.accounts a ON a.id = $1 LEFT JOIN triage.staff s ON s.role = 'ENGINEER'`,
        [accountId],
      );
      const first = rows[0];
      return {
        account: first?.region != null ? { region: first.region, tamId: first.tam_id } : null,
        engineers: rows.filter((row) => row.id !== null).map((row) => ({ id: row.id!, role: row.role, regions: row.regions, skills: row.skills, calendarJson: null, openTickets: 0 })),
      };
    };
  }
}

/** Transactions whose first statement is a checkpoint upsert (a batch that applied nothing) never open. */
function lazyCheckpoint(proto: { transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> }): void {
  const transaction = proto.transaction;
  proto.transaction = function <T>(this: unknown, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // The first statement decides: a checkpoint upsert first means the batch applied nothing.
    let real: Promise<SqlExecutor> | null = null;
    let realDone: Promise<T> | null = null;
    let finish: ((outcome: { ok: true; value: T } | { ok: false; error: unknown }) => void) | null = null;
    let first = true;
    const exec: SqlExecutor = {
      query: async <Row>(text: string, params?: unknown[]): Promise<Row[]> => {
        if (first) {
          first = false;
          if (text.trimStart().startsWith('INSERT INTO projections.checkpoints')) return [];
          real = new Promise<SqlExecutor>((resolveTx) => {
            realDone = transaction.call(this, async (tx) => {
              resolveTx(tx);
              const outcome = await new Promise<{ ok: true; value: T } | { ok: false; error: unknown }>((resolve) => (finish = resolve));
              if (!outcome.ok) throw outcome.error;
              return outcome.value;
            }) as Promise<T>;
            realDone.catch(() => undefined);
          });
        }
        if (!real) return [];
        return (await real).query<Row>(text, params);
      },
    };
    return work(exec).then(
      (value) => {
        if (!finish) return value;
        finish({ ok: true, value });
        return realDone!;
      },
      async (error: unknown) => {
        if (finish) {
          finish({ ok: false, error });
          await realDone!.catch(() => undefined);
        }
        throw error;
      },
    );
  };
}

/** What-ifs that need the running application's instances. */
export async function applyWhatIfsToApp(whatIfs: readonly WhatIf[], tokens: TokenService): Promise<void> {
  if (whatIfs.includes('jwt-cryptokey')) {
    const holder = tokens as unknown as { key: Uint8Array | webcrypto.CryptoKey };
    holder.key = await webcrypto.subtle.importKey('raw', holder.key as Uint8Array, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }
}
