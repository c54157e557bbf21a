import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// No bounded context's module imports another's (issue 11): reactions go through reactors on the log
// (docs/reactors.md). This reads the imports of every file under libs/<context> and fails on a crossing that
// is not listed below with its reason — a new one must be argued here, or removed.

const LIBS = resolve(import.meta.dirname, '../libs');
/** Shared libraries every context may use: no context's state or decisions live in them. */
const SHARED = new Set(['contracts', 'platform-kit', 'projections', 'event-store', 'calendar']);

const FEDERATION = 'GraphQL only: a field of another context’s entity (or the entity’s type) resolved in one process; in the plain schema only — the subgraphs extend entities by key instead (audit serves no subgraph yet)';
const HISTORY = 'GraphQL only: a field of audit’s TicketHistory, in a module of its own (imported by path) that only an app running audit loads (apps/platform); the subgraph hosting the context loads no audit type';
const UPLOADS = 'attachments is the upload store (POST /attachments) that intake and triage attach files from; a storage service, not a decision of another context';

/** from → to → the names it may import, and why. */
const ALLOWED: Record<string, Record<string, { names: string[]; reason: string }>> = {
  intake: {
    triage: {
      names: ['TicketType', 'toTicketType', 'foldTicketView', 'DiagnosticsInput'],
      reason: `triage's pure fold, as audit replays with it: openTicket answers with the ticket folded from its stream (a new ticket from what it recorded, a repeat from the stream as it stands); ${FEDERATION} — TicketType and its mapper are the plain schema's return type of openTicket (the subgraph's Ticket is triage's entity by key), and DiagnosticsInput is the one input both subgraphs accept. No module, command or read model of triage: a channel reply is intake's fact that triage's reactor adds (docs/reactors.md)`,
    },
    attachments: { names: ['AttachmentsModule', 'Uploads', 'uploadContentType', 'uploadFileName'], reason: UPLOADS },
  },
  triage: {
    attachments: { names: ['AttachmentsModule', 'Uploads'], reason: UPLOADS },
    sla: {
      names: ['eventInstant', 'slaStatus', 'SlaPolicy'],
      reason: 'the queue computes its own SLA columns (triage.queue_sla, from the log) with SLA’s pure engine, as audit does: no SLA module, state or schema',
    },
  },
  incidents: {
    audit: { names: ['TicketHistoryType'], reason: `${HISTORY} (TicketHistory.incidentEvents)` },
  },
  audit: {
    triage: { names: ['applyTicketEvent', 'TicketType', 'toTicketType', 'TicketView'], reason: `audit replays a ticket's history with triage's pure fold; ${FEDERATION}` },
    sla: {
      names: ['policyOf', 'slaStatus', 'SlaStatusType', 'toSlaStatusType', 'monthBounds', 'statementFigures', 'STATEMENT_BUNDLE_FORMAT', 'StatementBundle'],
      reason: `audit recomputes the SLA at any instant, and a statement's figures, with SLA's pure engine (evidence bundles, history, statement bundles checked offline); ${FEDERATION}`,
    },
  },
  outbound: {
    audit: { names: ['TicketHistoryType'], reason: `${HISTORY} (TicketHistory.deliveryEvents)` },
  },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface Crossing {
  from: string;
  to: string;
  file: string;
  names: string[];
}

/** Every import of a file that reaches another lib: `#lib` or a relative path into libs/<lib>. */
function crossings(context: string): Crossing[] {
  const found: Crossing[] = [];
  for (const file of filesUnder(join(LIBS, context))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*\s+as\s+\w+|\w+)?\s*(?:,\s*\{([^}]*)\})?\s*from\s+'([^']+)'/g)) {
      const specifier = match[4]!;
      let to: string | null = null;
      if (specifier.startsWith('#')) to = specifier.slice(1).split('/')[0]!;
      else if (specifier.startsWith('.')) {
        const target = relative(LIBS, resolve(file, '..', specifier));
        if (!target.startsWith('..')) to = target.split('/')[0]!;
      }
      if (!to || to === context || SHARED.has(to)) continue;
      const names = `${match[2] ?? ''},${match[3] ?? ''}`
        .split(',')
        .map((name) => name.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!)
        .filter(Boolean);
      found.push({ from: context, to, file: relative(LIBS, file), names: names.length > 0 ? names : ['*'] });
    }
  }
  return found;
}

const CONTEXTS = readdirSync(LIBS).filter((name) => statSync(join(LIBS, name)).isDirectory() && !SHARED.has(name));

describe('context boundaries', () => {
  it('finds the contexts and reads their imports', () => {
    expect(CONTEXTS).toEqual(expect.arrayContaining(['accounts', 'intake', 'triage', 'sla', 'health-checks']));
    expect(crossings('intake').length).toBeGreaterThan(0); // the reader sees imports at all
  });

  it.each(CONTEXTS)('%s imports no other context’s module beyond the crossings listed with their reason', (context) => {
    const unlisted = crossings(context).flatMap((crossing) => {
      const allowed = ALLOWED[crossing.from]?.[crossing.to];
      const names = crossing.names.filter((name) => !allowed?.names.includes(name));
      return names.length > 0 ? [`${crossing.file} imports ${names.join(', ')} from ${crossing.to}`] : [];
    });
    expect(unlisted).toEqual([]);
  });

  it('lists no crossing that is no longer made (the list stays the truth)', () => {
    const used = new Set(CONTEXTS.flatMap((context) => crossings(context).flatMap((crossing) => crossing.names.map((name) => `${crossing.from}>${crossing.to}>${name}`))));
    const stale = Object.entries(ALLOWED).flatMap(([from, targets]) =>
      Object.entries(targets).flatMap(([to, { names }]) => names.filter((name) => !used.has(`${from}>${to}>${name}`)).map((name) => `${from} → ${to}: ${name}`)),
    );
    expect(stale).toEqual([]);
  });

  it.each(CONTEXTS)('%s’s SQL names no other context’s schema: it keeps the copy it needs from the log', (context) => {
    expect(foreignSqlReads(context)).toEqual([]);
  });

  it('sees a foreign table in SQL, and not a checkpoint name that happens to look like one', () => {
    expect(foreignTables('triage', "'SELECT * FROM triage.tickets t LEFT JOIN sla.ticket_sla s ON s.ticket_id = t.id'")).toEqual(['sla.ticket_sla']);
    expect(foreignTables('health-checks', "' JOIN triage.tickets t ON t.id = s.ticket_id'")).toEqual(['triage.tickets']);
    expect(foreignTables('health-checks', "const TICKETS_PROJECTION = 'triage.tickets';")).toEqual([]);
    expect(foreignTables('sla', "'SELECT 1 FROM platform.timers'")).toEqual([]);
  });

  it('keeps IntakeModule free of the SLA module: the pin is SLA’s reactor', () => {
    expect(crossings('intake').filter((crossing) => crossing.to === 'sla')).toEqual([]);
  });

  it('keeps intake free of triage’s modules, commands and read models: channel replies are a reaction on the log', () => {
    const names = crossings('intake').filter((crossing) => crossing.to === 'triage').flatMap((crossing) => crossing.names);
    expect(names.filter((name) => /Module$|Queries$|Commands$/.test(name))).toEqual([]);
  });
});

/** Every schema a context owns: the schemas its files create. Shared infrastructure (platform, projections) is everyone's. */
function ownedSchemas(context: string): Set<string> {
  const schemas = new Set<string>();
  for (const file of filesUnder(join(LIBS, context))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/CREATE SCHEMA IF NOT EXISTS (\w+)/g)) schemas.add(match[1]!);
  }
  return schemas;
}

const CONTEXT_SCHEMAS = new Map(CONTEXTS.map((context) => [context, ownedSchemas(context)]));
/** context's table names, `schema.table`, from its CREATE TABLE statements. */
const TABLES = new Map(
  CONTEXTS.map((context) => [
    context,
    new Set(filesUnder(join(LIBS, context)).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/CREATE TABLE IF NOT EXISTS (\w+\.\w+)/g)].map((m) => m[1]!))),
  ]),
);

/**
 * Tables of another context named inside a string literal of `source`. A literal that is exactly `a.b` is a
 * checkpoint name (a projection or reactor waited on), not SQL.
 */
function foreignTables(context: string, source: string): string[] {
  const own = CONTEXT_SCHEMAS.get(context) ?? new Set<string>();
  const foreign = new Set<string>();
  for (const [other, tables] of TABLES) {
    if (other === context) continue;
    for (const table of tables) if (!own.has(table.split('.')[0]!)) foreign.add(table);
  }
  const found: string[] = [];
  for (const literal of source.matchAll(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g)) {
    const text = literal[0].slice(1, -1);
    if (/^\w+\.[\w-]+$/.test(text)) continue;
    for (const match of text.matchAll(/\b(\w+\.\w+)\b/g)) if (foreign.has(match[1]!)) found.push(match[1]!);
  }
  return found;
}

function foreignSqlReads(context: string): string[] {
  return filesUnder(join(LIBS, context)).flatMap((file) =>
    foreignTables(context, readFileSync(file, 'utf8')).map((table) => `${relative(LIBS, file)} names ${table}`),
  );
}
