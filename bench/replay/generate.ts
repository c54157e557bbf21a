import { performance } from 'node:perf_hooks';
import { SqlEventStore, type SqlClient } from '#event-store';
import { random } from '../sla/histories.js';
import { buildTicket, newEvent, type PlannedAppend } from './tickets.js';
import { buildWorld, LOG_END, LOG_START, setupAppends } from './world.js';

export interface GeneratedLog {
  events: number;
  appends: number;
  tickets: number;
  ticketIds: string[];
  claims: number;
  accounts: number;
  longTicketId: string;
  longTicketEvents: number;
  ms: number;
}

/** Tickets whose lives are appended interleaved: each round appends the next piece of every ticket in the wave. */
const WAVE = 400;

/**
 * One writer: its own SqlEventStore over the shared client, whose clock reads the instant of the append in
 * hand (so `recordedAt` is when the fact was recorded in the story, and history-as-of works on it). Every
 * stream always goes to the same writer, so its head stays cached and appends never read it first.
 */
class Writer {
  private at = new Date(0);
  appended = 0;
  private constructor(readonly store: SqlEventStore) {}

  static async open(sql: SqlClient): Promise<Writer> {
    let writer: Writer | null = null;
    const store = await SqlEventStore.open(sql, { ownsClient: false, now: () => writer!.at });
    writer = new Writer(store);
    return writer;
  }

  async write(appends: readonly PlannedAppend[]): Promise<void> {
    for (const append of appends) {
      this.at = new Date(append.recordedAt);
      const result = await this.store.append(append.stream, append.events, append.expected);
      if (result.alreadyRecorded) throw new Error(`${append.stream}: already recorded`);
      this.appended += append.events.length;
    }
  }
}

function writerOf(stream: string, writers: number): number {
  let hash = 0;
  for (let i = 0; i < stream.length; i++) hash = (Math.imul(hash, 31) + stream.charCodeAt(i)) | 0;
  return Math.abs(hash) % writers;
}

/**
 * Appends a realistic log of about `targetEvents` events through the real event store: set-up streams
 * first, then tickets in waves of WAVE, each wave's lives interleaved round by round (a ticket's first
 * events, its SLA pin, its conversation and resolution, its SLA warnings and breaches, its claims), plus one
 * ticket with exactly `longTicketEvents` events whose pieces are spread over the first waves.
 */
export async function generateLog(
  sql: SqlClient,
  targetEvents: number,
  options: { writers: number; longTicketEvents: number; seed?: number; accounts?: number; log: (message: string) => void },
): Promise<GeneratedLog> {
  const started = performance.now();
  const next = random(options.seed ?? 20260401);
  const accounts = options.accounts ?? Math.max(12, Math.round(targetEvents / 5_000));
  const world = buildWorld(accounts, next);
  const writers = await Promise.all(Array.from({ length: options.writers }, () => Writer.open(sql)));
  let events = 0;
  let appends = 0;

  for (const append of setupAppends(world)) {
    await writers[0]!.write([
      {
        stream: append.stream,
        events: append.events.map((e) => newEvent(e.type, e.data, e.at, e.actor)),
        expected: 'no_stream',
        recordedAt: Math.max(...append.events.map((e) => e.at)),
      },
    ]);
    events += append.events.length;
    appends += 1;
  }

  const approved = new Map<string, number>();
  const long = buildTicket(0, LOG_START + 3_600_000, world, next, approved, options.longTicketEvents);
  if (long.ticketEvents !== options.longTicketEvents) throw new Error(`the long ticket has ${long.ticketEvents} events, not ${options.longTicketEvents}`);
  const longPieces = [...long.appends];
  // About 25 events per ticket: size the ticket count to the target.
  const ticketCount = Math.max(10, Math.round((targetEvents - events - long.events) / 25));
  const ticketIds = [long.ticketId];
  let claims = long.claims;
  let lastReport = performance.now();

  for (let first = 1; first <= ticketCount; first += WAVE) {
    const lives = [];
    for (let index = first; index < Math.min(first + WAVE, ticketCount + 1); index++) {
      const receivedAt = LOG_START + Math.floor(((index - 1 + next()) / ticketCount) * (LOG_END - LOG_START));
      const life = buildTicket(index, receivedAt, world, next, approved);
      lives.push(life.appends);
      ticketIds.push(life.ticketId);
      claims += life.claims;
    }
    // The long ticket's next piece rides along with this wave.
    const piece = longPieces.shift();
    if (piece) lives.push([piece]);
    for (let round = 0; lives.some((pieces) => round < pieces.length); round++) {
      const queues: PlannedAppend[][] = writers.map(() => []);
      for (const pieces of lives) {
        const append = pieces[round];
        if (append) queues[writerOf(append.stream, writers.length)]!.push(append);
      }
      await Promise.all(writers.map((writer, i) => writer.write(queues[i]!)));
      for (const queue of queues) {
        appends += queue.length;
        events += queue.reduce((n, a) => n + a.events.length, 0);
      }
    }
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      options.log(`  … ${events.toLocaleString('en-US')} events appended (${Math.round(events / ((performance.now() - started) / 1000)).toLocaleString('en-US')}/s)`);
    }
  }
  // Whatever is left of the long ticket (a small log has fewer waves than it has pieces).
  for (const piece of longPieces) {
    await writers[writerOf(piece.stream, writers.length)]!.write([piece]);
    appends += 1;
    events += piece.events.length;
  }
  return {
    events,
    appends,
    tickets: ticketIds.length,
    ticketIds,
    claims,
    accounts,
    longTicketId: long.ticketId,
    longTicketEvents: long.ticketEvents,
    ms: performance.now() - started,
  };
}
