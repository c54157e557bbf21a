import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '#event-store';
import { loadConfig, PlatformRuntime, startLedgerdesk, createLogger } from '#platform-kit';
import { PLATFORM_CONTEXTS } from '../../apps/platform/platform.contexts.js';
import { benchPolicy, random } from './histories.js';
import { maxRssMiB, RssSampler } from './rss.js';

/**
 * The whole platform in this process (PGlite in memory, manual clock, silent logs): `tickets` tickets
 * seeded by appending TicketOpened + SlaPolicyPinned straight to the store, half P0 (ALWAYS: first
 * response 15 min, resolution 240 min) and half P2 (Shanghai business hours: 60 / 480 min), all received in
 * the first 12 hours of Monday 2026-03-09 (Shanghai); the manual clock starts at noon. Advancing two days
 * must record, per ticket, one
 * warning and one breach for FIRST_RESPONSE and for RESOLUTION, and escalate each P0 breach once.
 */
export interface PlatformRunResult {
  tickets: number;
  backdated: boolean;
  seedMs: number;
  advanceMs: number;
  fired: number;
  msPerFire: number;
  breaches: number;
  expectedBreaches: number;
  distinctBreaches: number;
  warnings: number;
  escalations: number;
  expectedEscalations: number;
  peakRssMiB: number;
  maxRssMiB: number;
}

const START = new Date('2026-03-08T16:00:00Z'); // Monday 2026-03-09 00:00 in Shanghai
const CLOCK_START = new Date(START.getTime() + 12 * 3_600_000);
const TWO_DAYS_MS = 2 * 86_400_000;
const SYSTEM = { id: 'bench', role: 'ADMIN' as const };

function newEvent(type: string, data: Record<string, unknown>, occurredAt: string): NewEvent {
  const id = randomUUID();
  return { id, type, data, metadata: { occurredAt, actor: SYSTEM, correlationId: id, causationId: null, schemaVersion: 1 } };
}

export async function platformRun(tickets: number, backdated: boolean, log: (message: string) => void): Promise<PlatformRunResult> {
  const sampler = new RssSampler();
  const config = loadConfig({
    PORT: '0',
    LEDGERDESK_DATA_DIR: 'memory://',
    LEDGERDESK_CLOCK: 'manual',
    LEDGERDESK_CLOCK_START: CLOCK_START.toISOString(),
    LEDGERDESK_JWT_SECRET: 'bench-sla-secret-0123456789-0123456789-01',
    LEDGERDESK_LOG_LEVEL: process.env.BENCH_SLA_LOG_LEVEL ?? 'silent',
    LEDGERDESK_RATE_LIMIT_PER_IP: '0',
    LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
  });
  const platform = await startLedgerdesk('ledgerdesk', PLATFORM_CONTEXTS, config, createLogger(config.logLevel));
  try {
    const runtime = platform.app.get(PlatformRuntime);
    const store = runtime.store;
    const policy = benchPolicy('ALWAYS');
    const contract = {
      ...policy.contract,
      targets: [
        { severity: 'P0' as const, channel: null, coverage: 'ALWAYS' as const, firstResponseMinutes: 15, nextUpdateMinutes: 60, resolutionMinutes: 240 },
        { severity: 'P2' as const, channel: null, coverage: 'BUSINESS_HOURS' as const, firstResponseMinutes: 60, nextUpdateMinutes: null, resolutionMinutes: 480 },
      ],
    };
    const next = random(7);
    const seedStarted = performance.now();
    for (let i = 0; i < tickets; i++) {
      const ticketId = `bench-${i}`;
      const minutesBefore = 1 + Math.floor(next() * (backdated ? 12 * 60 : 10));
      const receivedAt = new Date(CLOCK_START.getTime() - minutesBefore * 60_000).toISOString();
      const severity = i % 2 === 0 ? 'P0' : 'P2';
      await store.append(
        `ticket-${ticketId}`,
        [
          newEvent(
            'TicketOpened',
            {
              ticketId, accountId: 'acct-bench', channel: 'PORTAL', subject: 'Audio drops', description: 'd', claimedSeverity: severity,
              diagnostics: { sdkName: null, sdkVersion: null, platform: null, osVersion: null, deviceModel: null, networkType: null, errorCode: null, reproSteps: null, logUrls: [] },
              externalId: null, receivedAt, openedBy: { id: 'dev', role: 'CUSTOMER' }, openedAt: receivedAt,
            },
            receivedAt,
          ),
        ],
        'no_stream',
      );
      await store.append(
        `sla-${ticketId}`,
        [
          newEvent(
            'SlaPolicyPinned',
            { ticketId, accountId: 'acct-bench', contractVersion: 1, contract, calendarId: 'cal-shanghai', calendarVersion: 1, calendar: policy.calendar, pinnedAt: receivedAt, pinnedBy: SYSTEM },
            receivedAt,
          ),
        ],
        'no_stream',
      );
      if ((i + 1) % 1000 === 0) log(`  … ${(i + 1).toLocaleString('en-US')} tickets appended`);
    }
    await runtime.settleAll();
    const seedMs = performance.now() - seedStarted;
    const [pending] = await runtime.readDb.query<{ n: number }>('SELECT count(*)::int AS n FROM platform.timers WHERE fired_at IS NULL');
    log(`${tickets.toLocaleString('en-US')} tickets seeded and projected in ${(seedMs / 1000).toFixed(1)} s (${pending!.n.toLocaleString('en-US')} timers pending); advancing two days`);

    const advanceStarted = performance.now();
    await runtime.timers.advanceTo(new Date(CLOCK_START.getTime() + TWO_DAYS_MS));
    const advanceMs = performance.now() - advanceStarted;

    const [counts] = await runtime.readDb.query<{ breaches: number; distinct: number; warnings: number; escalations: number }>(
      `SELECT count(*) FILTER (WHERE type = 'SlaClockBreached')::int AS breaches,
              count(DISTINCT (stream, data->>'metric', data->>'cycle')) FILTER (WHERE type = 'SlaClockBreached')::int AS distinct,
              count(*) FILTER (WHERE type = 'SlaWarningReached')::int AS warnings,
              count(*) FILTER (WHERE type = 'TicketEscalated')::int AS escalations
       FROM event_store.events`,
    );
    if (process.env.BENCH_SLA_DEBUG) {
      const rows = await runtime.readDb.query<{ stream: string; types: string }>(
        `SELECT stream, string_agg(type || coalesce(':' || (data->>'metric'), '') || '@' || coalesce(data->>'breachedAt', data->>'warnedAt', data->>'receivedAt', data->>'escalatedAt', ''), ' ' ORDER BY seq) AS types FROM event_store.events GROUP BY stream ORDER BY stream`,
      );
      for (const row of rows) log(`${row.stream}: ${row.types}`);
      for (const t of await runtime.readDb.query('SELECT id, due_at, fired_at FROM platform.timers ORDER BY due_at')) log(JSON.stringify(t));
    }
    return {
      tickets,
      backdated,
      seedMs,
      advanceMs,
      fired: counts!.warnings + counts!.breaches,
      msPerFire: advanceMs / Math.max(1, counts!.warnings + counts!.breaches),
      breaches: counts!.breaches,
      expectedBreaches: 2 * tickets,
      distinctBreaches: counts!.distinct,
      warnings: counts!.warnings,
      escalations: counts!.escalations,
      expectedEscalations: 2 * Math.ceil(tickets / 2),
      peakRssMiB: sampler.stop(),
      maxRssMiB: maxRssMiB(),
    };
  } finally {
    await platform.close();
  }
}
