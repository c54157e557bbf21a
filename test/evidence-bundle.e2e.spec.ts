import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvidenceBundle, type EvidenceBundle } from '#audit';
import { defineCalendar, mustData, registerAccount, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';
import { TEST_BACKENDS } from './support/test-databases.js';

describe.each(TEST_BACKENDS)('evidence bundles, checked offline (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  let stranger: string;
  let ticketId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    const accountId = await registerAccount(platform, admin);
    const other = await registerAccount(platform, admin, { name: 'Other' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
    stranger = await platform.token('CUSTOMER', { accountId: other });
    ticketId = (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, customer))).openTicket.id;
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "internal: check the ICE logs", visibility: INTERNAL) { id } }', { id: ticketId }, admin));
    await mustData(platform.gql('mutation { advanceClock(to: "2026-03-06T02:20:00Z") }', {}, admin));
    await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "On it") { id } }', { id: ticketId }, admin));
    await mustData(platform.gql('mutation($input: FileBreachClaimInput!) { fileBreachClaim(input: $input) { id } }', { input: { ticketId, metric: 'FIRST_RESPONSE', statement: 'late' } }, customer));
  });
  afterAll(async () => {
    await platform?.close();
  });

  const exportAs = (token: string | null) =>
    fetch(`${platform.url}/audit/tickets/${ticketId}/export`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('exports the streams with hashes, the pinned policy, the verdicts and the claims; the bundle holds by itself', async () => {
    const response = await exportAs(admin);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as EvidenceBundle;
    expect(Object.keys(bundle.streams)).toEqual([`ticket-${ticketId}`, `sla-${ticketId}`, expect.stringMatching(/^claim-/)]);
    expect(bundle.pinnedPolicy).toMatchObject({ contractVersion: 1, calendarVersion: 1 });
    expect(bundle.slaVerdicts?.clocks[0]).toMatchObject({ metric: 'FIRST_RESPONSE', state: 'MISSED' });
    expect(bundle.claims).toEqual([expect.objectContaining({ type: 'BreachClaimFiled', metric: 'FIRST_RESPONSE' })]);
    const check = checkEvidenceBundle(bundle);
    expect(check.ok).toBe(true);
    expect(check.lines.every((line) => line.startsWith('HOLDS'))).toBe(true);
  });

  it('catches an altered event and an altered verdict', async () => {
    const bundle = (await (await exportAs(admin)).json()) as EvidenceBundle;
    const altered = structuredClone(bundle);
    const reply = altered.streams[`ticket-${ticketId}`]!.find((e) => e.type === 'ReplyAdded' && (e.data as { visibility: string }).visibility === 'PUBLIC')!;
    (reply.data as { addedAt: string }).addedAt = '2026-03-06T02:10:00.000Z'; // "we answered in time"
    const broken = checkEvidenceBundle(altered);
    expect(broken.ok).toBe(false);
    expect(broken.lines.join('\n')).toMatch(new RegExp(`BROKEN  ticket-${ticketId}: revision ${reply.revision}: content does not match`));

    const lied = structuredClone(bundle);
    lied.slaVerdicts!.clocks[0]!.state = 'MET';
    const differs = checkEvidenceBundle(lied);
    expect(differs.ok).toBe(false);
    expect(differs.lines.join('\n')).toMatch(/DIFFERS SLA verdicts/);
  });

  it('redacts internal notes for the customer and still holds; refuses others', async () => {
    const response = await exportAs(customer);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as EvidenceBundle;
    expect(JSON.stringify(bundle)).not.toContain('ICE logs');
    const check = checkEvidenceBundle(bundle);
    expect(check.ok).toBe(true);
    expect(check.lines[0]).toMatch(/1 redacted/);
    expect((await exportAs(stranger)).status).toBe(404);
    expect((await exportAs(null)).status).toBe(401);
  });
});
