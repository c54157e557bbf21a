import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  parse,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '#platform-kit';
import { fetchSubgraphSdl, SUBGRAPH_APPS } from '../apps/subgraphs.js';
import { startSubgraphApp, type RunningSubgraph } from './support/subgraph-apps.js';
import { TEST_JWT_SECRET } from './support/test-platform.js';

// Issue 11: the five apps' subgraphs compose into one supergraph whose API schema is the monolith's (`npm start`,
// schema.graphql), minus what no subgraph serves (listed below with the reason). Each app runs in its own child
// process (test/support/subgraph-apps.ts): in-process boots would see each other's GraphQL types.

const root = fileURLToPath(new URL('..', import.meta.url));
const CONTRACT = resolve(root, '../shared/CONTRACT.graphql');

/**
 * What the monolith serves and the supergraph does not, by reason: a type stands for all its fields, values and
 * arguments, a field for its arguments. The test fails on any other difference, and on an entry the supergraph
 * now serves or the monolith no longer has (the list stays the truth). docs/architecture.md#the-federated-graph-issue-11.
 */
const NOT_IN_SUPERGRAPH: { reason: string; coordinates: string[] }[] = [
  {
    reason: 'Relay object identification needs one subgraph that finds every type: the plain schema only',
    coordinates: ['Query.node', 'Query.nodes'],
  },
  {
    reason: 'audit runs in no app of the five: a history’s ticket is the ticket as of an instant, not triage’s current entity, so it needs a design of its own',
    coordinates: ['Query.ticketHistory', 'Query.verifyTicketHistory', 'TicketHistory', 'IntegrityReport'],
  },
  {
    reason: 'outbound (webhooks, deliveries, on-call paging) runs in no app of the five yet',
    coordinates: [
      'Query.webhooks', 'Query.webhookDeliveries', 'Query.deliveries', 'Query.onCall',
      'Mutation.registerWebhook', 'Mutation.disableWebhook', 'Mutation.enableWebhook', 'Mutation.rotateWebhookSecret', 'Mutation.redeliver', 'Mutation.configureOnCall',
      'Webhook', 'RegisteredWebhook', 'RegisterWebhookInput', 'Delivery', 'DeliveryAttempt', 'DeliveryAttemptOutcome', 'DeliveryConnection', 'DeliveryEdge',
      'DeliveryKind', 'DeliveryStatus', 'OnCallConfig', 'OnCallProvider', 'OnCallTrigger', 'ConfigureOnCallInput',
    ],
  },
  {
    reason: 'platform incidents run in no app of the five yet',
    coordinates: [
      'Query.platformIncident', 'Query.platformIncidents', 'Ticket.incident', 'Ticket.suggestedIncidents',
      'Mutation.declarePlatformIncident', 'Mutation.linkTicketsToIncident', 'Mutation.unlinkTicket', 'Mutation.postIncidentUpdate', 'Mutation.resolvePlatformIncident',
      'PlatformIncident', 'PlatformIncidentConnection', 'PlatformIncidentEdge', 'PlatformIncidentStatus', 'DeclarePlatformIncidentInput',
      'IncidentMatch', 'IncidentSdk', 'IncidentSdkInput', 'IncidentSeverity', 'IncidentSuggestion', 'IncidentUpdate', 'IncidentUpdateStatus', 'IncidentVisibility',
      'Subscription.incidentUpdates', 'IncidentUpdateNotice',
    ],
  },
];
const EXCUSED = NOT_IN_SUPERGRAPH.flatMap(({ coordinates }) => coordinates);
/** A coordinate an entry stands for: itself, or (a type's, a field's) the coordinates under it. */
const excused = (coordinate: string) => EXCUSED.some((entry) => coordinate === entry || ['.', '(', '|'].some((separator) => coordinate.startsWith(entry + separator)));

/** Every `Type`, `Type.field` and `Type.field(arg)` (enum values and input fields too) of a schema. */
function coordinates(schema: GraphQLSchema): Set<string> {
  const found = new Set<string>();
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__')) continue;
    found.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        found.add(`${type.name}.${field.name}`);
        for (const arg of field.args) found.add(`${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) found.add(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) found.add(`${type.name}.${value.name}`);
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) found.add(`${type.name}|${member.name}`);
    }
  }
  return found;
}

describe('the five subgraphs compose into the monolith’s schema', () => {
  const apps: RunningSubgraph[] = [];
  const sdls = new Map<string, string>();

  beforeAll(async () => {
    for (const app of SUBGRAPH_APPS) apps.push(startSubgraphApp(app.name));
    const token = await new TokenService(TEST_JWT_SECRET).sign({ id: 'admin', role: 'ADMIN', accountId: null }, '10m');
    for (const app of apps) sdls.set(app.name, await fetchSubgraphSdl(await app.url, token));
  }, 600_000);
  afterAll(() => {
    for (const app of apps) app.stop();
  });

  const compose = () => composeServices(SUBGRAPH_APPS.map(({ name }) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: parse(sdls.get(name)!) })));

  it('composes without errors', () => {
    const result = compose();
    const errors = (result.errors ?? []).map((error) => `${error.extensions?.['code'] ?? ''}: ${error.message}`);
    expect(errors).toEqual([]);
  });

  it('gives the monolith’s types, fields and arguments, but for the differences listed with their reason', () => {
    const result = compose();
    if (!result.schema) throw new Error('no supergraph');
    const api = result.schema.toAPISchema().toGraphQLJSSchema();
    const monolith = coordinates(buildSchema(readFileSync(resolve(root, 'schema.graphql'), 'utf8')));
    const supergraph = coordinates(api);
    const missing = [...monolith].filter((coordinate) => !supergraph.has(coordinate) && !excused(coordinate)).sort();
    const extra = [...supergraph].filter((coordinate) => !monolith.has(coordinate)).sort();
    const stale = EXCUSED.filter((entry) => supergraph.has(entry) || !monolith.has(entry)).sort();
    expect({ missing, extra, stale }).toEqual({ missing: [], extra: [], stale: [] });
  });

  it('serves each field from the context that owns it, and another context’s entity by key only', () => {
    /** `Type.field` → the subgraphs that resolve it (an `@external` field is not resolved there). */
    const servedBy = new Map<string, string[]>();
    for (const [name, sdl] of sdls) {
      for (const definition of parse(sdl).definitions) {
        if (definition.kind !== 'ObjectTypeDefinition' && definition.kind !== 'ObjectTypeExtension') continue;
        for (const field of definition.fields ?? []) {
          if (field.directives?.some((directive) => directive.name.value === 'external')) continue;
          const coordinate = `${definition.name.value}.${field.name.value}`;
          servedBy.set(coordinate, [...(servedBy.get(coordinate) ?? []), name]);
        }
      }
    }
    const owners = (coordinates: string[]) => Object.fromEntries(coordinates.map((coordinate) => [coordinate, servedBy.get(coordinate)?.sort() ?? []]));
    expect(
      owners([
        'Ticket.subject', 'Ticket.account', 'Ticket.sla', 'Ticket.id', 'Account.name', 'Account.health', 'Account.tickets', 'Account.trafficPeaks',
        'AccountHealth.openTickets', 'AccountHealth.nextCheckIn', 'StaffMember.openTickets', 'Actor.displayName',
        'Mutation.openTicket', 'Mutation.assignTicket', 'Mutation.registerAccount', 'Mutation.fileBreachClaim', 'Mutation.scheduleHealthCheck',
        'Subscription.slaAlerts', 'Mutation.advanceClock', 'Query.reactors', 'Query.parkedTimers', 'Query.now', 'Query.me',
      ]),
    ).toEqual({
      'Ticket.subject': ['triage'],
      'Ticket.account': ['triage'],
      'Ticket.sla': ['sla'],
      // The key: every subgraph that names a ticket declares it.
      'Ticket.id': ['health-checks', 'intake', 'sla', 'triage'],
      'Account.name': ['accounts'],
      'Account.health': ['sla'],
      'Account.tickets': ['triage'],
      'Account.trafficPeaks': ['health-checks'],
      'AccountHealth.openTickets': ['sla'],
      'AccountHealth.nextCheckIn': ['health-checks'],
      'StaffMember.openTickets': ['triage'],
      'Actor.displayName': ['accounts'],
      'Mutation.openTicket': ['intake'],
      'Mutation.assignTicket': ['triage'],
      'Mutation.registerAccount': ['accounts'],
      'Mutation.fileBreachClaim': ['sla'],
      'Mutation.scheduleHealthCheck': ['health-checks'],
      'Subscription.slaAlerts': ['sla'],
      // The per-process operations have one owner.
      'Mutation.advanceClock': ['sla'],
      'Query.reactors': ['sla'],
      'Query.parkedTimers': ['sla'],
      'Query.now': ['accounts', 'health-checks', 'intake', 'sla', 'triage'],
      'Query.me': ['accounts', 'health-checks', 'intake', 'sla', 'triage'],
    });
  });

  it.skipIf(!existsSync(CONTRACT))('serves every type, field and argument of the shared CONTRACT', () => {
    const result = compose();
    if (!result.schema) throw new Error('no supergraph');
    const supergraph = coordinates(result.schema.toAPISchema().toGraphQLJSSchema());
    const contract = coordinates(buildSchema(readFileSync(CONTRACT, 'utf8')));
    // Only audit's part of the contract is missing, and only because audit serves no subgraph (listed above).
    expect([...contract].filter((coordinate) => !supergraph.has(coordinate)).sort()).toEqual(
      [...contract].filter((coordinate) => excused(coordinate)).sort(),
    );
    expect([...contract].filter((coordinate) => excused(coordinate)).sort()).toEqual([
      'IntegrityReport', 'IntegrityReport.brokenAtRevision', 'IntegrityReport.eventsChecked', 'IntegrityReport.headHash', 'IntegrityReport.problem',
      'IntegrityReport.ticketId', 'IntegrityReport.valid', 'Query.ticketHistory', 'Query.ticketHistory(asOf)', 'Query.ticketHistory(ticketId)',
      'Query.verifyTicketHistory', 'Query.verifyTicketHistory(ticketId)', 'TicketHistory', 'TicketHistory.asOf', 'TicketHistory.events',
      'TicketHistory.sla', 'TicketHistory.ticket', 'TicketHistory.ticketId',
    ]);
  });
});
