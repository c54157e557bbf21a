import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWorld, DEMO_CLOCK_START, DEMO_NOW, type DemoWorld } from '../scripts/demo/world.js';
import { mustData } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

describe('npm run demo: the world builder', () => {
  let platform: TestPlatform;
  let world: DemoWorld;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: DEMO_CLOCK_START });
    world = await buildDemoWorld({
      gql: (query, variables, token) => mustData(platform.gql(query, variables, token)),
      token: (principal) => platform.token(principal.role, { id: principal.id, ...(principal.accountId ? { accountId: principal.accountId } : {}) }),
    });
    admin = await platform.token('ADMIN');
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
  });

  const TICKET = `query($id: ID!) { ticket(id: $id) { subject status severity claimedSeverity assessedSeverity escalationLevel
    account { name } assignee { name } dispute { status } sla { breached pending clocks { metric state } } } }`;

  it('leaves the clock at the demo’s now, with two accounts on their calendars and contracts', async () => {
    expect((await mustData(platform.gql('{ now }', {}, admin))).now).toBe(new Date(DEMO_NOW).toISOString());
    const { accounts } = await mustData(platform.gql('{ accounts { edges { node { name } } } }', {}, admin));
    expect(accounts.edges.map((e: any) => e.node.name).sort()).toEqual(['Gotham Streaming', 'Huaxia Live']);
    expect(Object.values(world.staff).filter((s) => s.role === 'ENGINEER')).toHaveLength(3);
    expect(Object.values(world.staff).filter((s) => s.role === 'TAM')).toHaveLength(2);
  });

  it('has a dozen tickets in every state, a disputed severity, an escalation and breaches with claims', async () => {
    expect(world.tickets.length).toBeGreaterThanOrEqual(12);
    const seen = new Set<string>();
    for (const ticket of world.tickets) {
      const { ticket: actual } = await mustData(platform.gql(TICKET, { id: ticket.id }, admin));
      expect(actual.status, ticket.key).toBe(ticket.expect.status);
      seen.add(actual.status);
      if (ticket.expect.disputeStatus) expect(actual.dispute?.status, ticket.key).toBe(ticket.expect.disputeStatus);
      if (ticket.expect.escalated) expect(actual.escalationLevel, ticket.key).toBeGreaterThan(0);
      if (ticket.expect.breached !== undefined) expect(actual.sla.breached, ticket.key).toBe(ticket.expect.breached);
      expect(actual.sla.pending, ticket.key).toBe(false);
    }
    expect([...seen].sort()).toEqual(['CLOSED', 'IN_PROGRESS', 'OPEN', 'RESOLVED', 'WAITING_ON_CUSTOMER']);
    expect(world.tickets.filter((t) => t.expect.disputeStatus === 'OPEN')).toHaveLength(1);
    for (const claim of world.claims) {
      const { breachClaim } = await mustData(platform.gql('query($id: ID!) { breachClaim(id: $id) { status metric } }', { id: claim.id }, admin));
      expect(breachClaim, claim.ticketKey).toEqual({ status: claim.status, metric: 'FIRST_RESPONSE' });
    }
    expect(world.claims.map((c) => c.status).sort()).toEqual(['APPROVED', 'PENDING']);
  });

  it('prints working tokens for every role', async () => {
    expect(new Set(world.tokens.map((t) => t.principal.role))).toEqual(new Set(['ADMIN', 'AUDITOR', 'CUSTOMER', 'TAM', 'ENGINEER']));
    for (const { label, token, principal } of world.tokens) {
      const { me } = await mustData(platform.gql('{ me { id role } }', {}, token));
      expect(me, label).toEqual({ id: principal.id, role: principal.role });
    }
    const shanghai = world.tokens.find((t) => t.principal.accountId === world.accounts.shanghai)!.token;
    const { tickets } = await mustData(platform.gql('{ tickets { edges { node { account { name } } } } }', {}, shanghai));
    expect(new Set(tickets.edges.map((e: any) => e.node.account.name))).toEqual(new Set(['Huaxia Live']));
  });
});
