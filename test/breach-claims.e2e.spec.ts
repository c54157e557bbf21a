import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { TEST_BACKENDS } from './support/test-databases.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const CLAIMS = `query($accountId: ID, $status: ClaimStatus, $first: Int, $after: String) {
  breachClaims(accountId: $accountId, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status statement ticket { id account { id } } } } } }`;
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const FILE = 'mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id } }';

describe.each(TEST_BACKENDS)('breachClaims: a connection of claims per account and status (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customerA: string;
  let customerB: string;
  let accountA: string;
  let accountB: string;
  const claimsA: string[] = [];
  let claimB: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-11-02T01:00:00Z', backend });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin);
    accountA = await registerAccount(platform, admin, { name: 'Claims A' });
    accountB = await registerAccount(platform, admin, { name: 'Claims B' });
    await signContract(platform, admin, standardContract(accountA, calendarId));
    await signContract(platform, admin, standardContract(accountB, calendarId));
    customerA = await platform.token('CUSTOMER', { accountId: accountA });
    customerB = await platform.token('CUSTOMER', { accountId: accountB });
    let minute = 0;
    const fileOn = async (accountId: string, customer: string, statement: string) => {
      const ticketId = (await mustData(platform.gql(OPEN, {
        input: { accountId, channel: 'PORTAL', subject: statement, description: 'd', claimedSeverity: 'P1' },
      }, admin))).openTicket.id as string;
      minute += 1;
      await mustData(platform.gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to: `2026-11-02T01:0${minute}:00Z` }, admin));
      return (await mustData(platform.gql(FILE, { input: { ticketId, metric: 'FIRST_RESPONSE', statement } }, customer))).fileBreachClaim.id as string;
    };
    for (const n of [1, 2, 3]) claimsA.push(await fileOn(accountA, customerA, `A${n}`));
    claimB = await fileOn(accountB, customerB, 'B1');
    await mustData(platform.gql('mutation($id: ID!) { decideBreachClaim(claimId: $id, decision: REJECT, reason: "not late") { status } }', { id: claimsA[1] }, admin));
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('staff see every account’s claims, newest filed first, and filter by account and status', async () => {
    const all = (await mustData(platform.gql(CLAIMS, {}, engineer))).breachClaims;
    expect(all.totalCount).toBe(4);
    expect(all.edges.map((e: any) => e.node.id)).toEqual([claimB, claimsA[2], claimsA[1], claimsA[0]]);

    const ofA = (await mustData(platform.gql(CLAIMS, { accountId: accountA }, admin))).breachClaims;
    expect(ofA.totalCount).toBe(3);
    expect(ofA.edges.every((e: any) => e.node.ticket.account.id === accountA)).toBe(true);

    const rejected = (await mustData(platform.gql(CLAIMS, { accountId: accountA, status: 'REJECTED' }, admin))).breachClaims;
    expect(rejected.totalCount).toBe(1);
    expect(rejected.edges.map((e: any) => [e.node.id, e.node.status])).toEqual([[claimsA[1], 'REJECTED']]);

    const pending = (await mustData(platform.gql(CLAIMS, { status: 'PENDING' }, admin))).breachClaims;
    expect(pending.edges.map((e: any) => e.node.id)).toEqual([claimB, claimsA[2], claimsA[0]]);
  });

  it('pages with first/after without repeating or skipping, totalCount over the whole filter', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const page: any = (await mustData(platform.gql(CLAIMS, { first: 1, after }, admin))).breachClaims;
      expect(page.totalCount).toBe(4);
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([claimB, claimsA[2], claimsA[1], claimsA[0]]);
    const bad = await platform.gql(CLAIMS, { after: 'not-a-cursor' }, admin);
    expect((bad.errors as any)?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a customer sees only their own account’s claims; another account’s id gives an empty page', async () => {
    const own = (await mustData(platform.gql(CLAIMS, {}, customerA))).breachClaims;
    expect(own.totalCount).toBe(3);
    expect(own.edges.map((e: any) => e.node.id).sort()).toEqual([...claimsA].sort());

    const other = (await mustData(platform.gql(CLAIMS, { accountId: accountB }, customerA))).breachClaims;
    expect(other).toMatchObject({ totalCount: 0, edges: [] });

    const ofB = (await mustData(platform.gql(CLAIMS, { accountId: accountB }, customerB))).breachClaims;
    expect(ofB.edges.map((e: any) => e.node.id)).toEqual([claimB]);
  });
});
