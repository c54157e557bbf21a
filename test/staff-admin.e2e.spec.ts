import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalendar, eventCount, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const STAFF = `query($role: Role, $region: String, $active: Boolean, $first: Int, $after: String) {
  staffMembers(role: $role, region: $region, active: $active, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id regions skills active } } } }`;
const OPEN = 'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id assignee { id } } }';

describe('staff administration: staffMembers, updateStaffMember, deactivateStaffMember', () => {
  let platform: TestPlatform;
  let admin: string;
  let accountId: string;
  let ana: string;
  let bo: string;
  let tam: string;
  let revokedToken: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    // Round the clock (no shift calendar), both in APAC.
    ana = await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Ana', skills: ['iOS'] });
    bo = await registerStaff(platform, admin, { role: 'ENGINEER', name: 'Bo' });
    tam = await registerStaff(platform, admin, { role: 'TAM', name: 'Tess' });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const staff = async (variables: Record<string, unknown>) => (await mustData(platform.gql(STAFF, variables, admin))).staffMembers;
  const open = async (claimedSeverity = 'P2') =>
    (await mustData(platform.gql(OPEN, { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity } }, admin))).openTicket;

  it('lists staff as a Relay connection with totalCount, filtered by role, region and active', async () => {
    expect((await staff({})).totalCount).toBe(3);
    const first = await staff({ role: 'ENGINEER', first: 1 });
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const second = await staff({ role: 'ENGINEER', first: 1, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([first.edges[0].node.id, second.edges[0].node.id].sort()).toEqual([ana, bo].sort());
    expect((await staff({ role: 'TAM' })).edges.map((e: any) => e.node.id)).toEqual([tam]);
    expect((await staff({ region: 'EMEA' })).totalCount).toBe(0);
    const refused = await platform.gql(STAFF, {}, await platform.token('CUSTOMER', { accountId }));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('updateStaffMember moves routing: Ana to EMEA, and APAC tickets go to Bo', async () => {
    const update = 'mutation($id: ID!, $input: UpdateStaffMemberInput!) { updateStaffMember(id: $id, input: $input) { id regions skills active } }';
    const updated = (await mustData(platform.gql(update, { id: ana, input: { regions: ['EMEA'], skills: ['iOS', 'Android'] } }, admin))).updateStaffMember;
    expect(updated).toEqual({ id: ana, regions: ['EMEA'], skills: ['iOS', 'Android'], active: true });
    expect((await staff({ region: 'EMEA' })).edges.map((e: any) => e.node.id)).toEqual([ana]);
    expect((await open()).assignee).toEqual({ id: bo });
    const before = await eventCount(platform);
    const bad = await platform.gql(update, { id: ana, input: { calendarId: 'no-such-calendar' } }, admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await platform.gql(update, { id: 'nobody', input: { regions: ['APAC'] } }, admin);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const engineer = await platform.gql(update, { id: ana, input: { regions: ['APAC'] } }, await platform.token('ENGINEER', { id: ana }));
    expect(engineer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);
  });

  it('deactivateStaffMember: their open tickets listed, routing and assignment stop at once, their tokens stop working', async () => {
    const bosToken = await platform.token('ENGINEER', { id: bo });
    revokedToken = bosToken;
    expect((await platform.gql('{ me { id } }', {}, bosToken)).data?.me).toEqual({ id: bo });
    const assigned = await open();
    expect(assigned.assignee).toEqual({ id: bo });

    const deactivate = 'mutation($id: ID!) { deactivateStaffMember(id: $id, reason: "Left the company") { id active openTickets { id } } }';
    const gone = (await mustData(platform.gql(deactivate, { id: bo }, admin))).deactivateStaffMember;
    expect(gone.active).toBe(false);
    expect(gone.openTickets.map((t: { id: string }) => t.id)).toContain(assigned.id);
    expect(gone.openTickets).toHaveLength(2);

    const refused = await platform.gql('{ me { id } }', {}, bosToken);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
    // Nobody else in APAC and no TAM: a P1 stays unassigned rather than going to Bo.
    expect((await open('P1')).assignee).toBeNull();
    const assign = await platform.gql('mutation($t: ID!, $a: ID!) { assignTicket(ticketId: $t, assigneeId: $a) { id } }', { t: assigned.id, a: bo }, admin);
    expect(assign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await staff({ active: false })).edges.map((e: any) => e.node.id)).toEqual([bo]);
    expect((await staff({ active: true })).totalCount).toBe(2);

    const unknown = await platform.gql(deactivate, { id: 'nobody' }, admin);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reactivateStaffMember: recorded, routing takes them again, old tokens stay revoked, new tokens work', async () => {
    const reactivate = 'mutation($id: ID!) { reactivateStaffMember(id: $id, reason: "Came back") { id active } }';
    const byEngineer = await platform.gql(reactivate, { id: bo }, await platform.token('ENGINEER', { id: ana }));
    expect(byEngineer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await platform.gql(reactivate, { id: 'nobody' }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    expect((await mustData(platform.gql(reactivate, { id: bo }, admin))).reactivateStaffMember).toEqual({ id: bo, active: true });
    const events = await platform.runtime.store.readStream(`staff-${bo}`);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['StaffDeactivated', 'StaffReactivated']);
    expect(events.at(-1)!.data).toMatchObject({ staffId: bo, reason: 'Came back', reactivatedBy: { role: 'ADMIN' } });
    // Reactivating an active member records nothing more.
    const count = await eventCount(platform);
    await mustData(platform.gql(reactivate, { id: bo }, admin));
    expect(await eventCount(platform)).toBe(count);

    // The token the deactivation revoked stays revoked.
    const stale = await platform.gql('{ me { id } }', {}, revokedToken);
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
    // A token minted now works once its issue second is past the revocation instant (iat has whole seconds).
    let me: unknown = null;
    for (let tries = 0; tries < 30 && !me; tries++) {
      me = (await platform.gql('{ me { id } }', {}, await platform.token('ENGINEER', { id: bo }))).data?.me ?? null;
      if (!me) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(me).toEqual({ id: bo });

    expect((await open('P1')).assignee).toEqual({ id: bo });
    expect((await staff({ active: false })).totalCount).toBe(0);
  });
});
