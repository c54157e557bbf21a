import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvidenceBundle, type EvidenceBundle } from '#audit';
import { dataCommitment } from '#event-store';
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

  it('catches a tail deleted from the bundle file, in the ticket stream and in the SLA stream', async () => {
    const bundle = (await (await exportAs(admin)).json()) as EvidenceBundle;
    for (const stream of [`ticket-${ticketId}`, `sla-${ticketId}`]) {
      const cut = structuredClone(bundle);
      cut.streams[stream]!.pop();
      const check = checkEvidenceBundle(cut);
      expect(check.ok).toBe(false);
      expect(check.lines.join('\n')).toMatch(new RegExp(`BROKEN  ${stream}: .*missing from its tail`));
    }
    const headless = structuredClone(bundle);
    delete headless.heads[`sla-${ticketId}`];
    expect(checkEvidenceBundle(headless).lines.join('\n')).toMatch(/BROKEN .*records no head/);
  });

  it('refuses a forged redaction: only internal notes may be withheld, and a withheld note stays committed', async () => {
    const bundle = (await (await exportAs(customer)).json()) as EvidenceBundle;
    const stream = `ticket-${ticketId}`;
    // "redacted": true in the data is just data now: the hash over it fails.
    const downgraded = structuredClone(bundle);
    Object.assign(downgraded.streams[stream]![0]!.data as object, { redacted: true, claimedSeverity: 'P3' });
    expect(checkEvidenceBundle(downgraded).lines[0]).toMatch(/BROKEN .*revision 0: content does not match/);
    // Withholding the opening event with its true commitment still is not allowed.
    const hidden = structuredClone(bundle);
    const opening = hidden.streams[stream]![0]!;
    opening.redaction = { dataHash: dataCommitment(opening.data) };
    opening.data = { redacted: true };
    expect(checkEvidenceBundle(hidden).lines[0]).toMatch(/BROKEN .*a TicketOpened cannot be redacted/);
    // A withheld note whose commitment was swapped no longer links.
    const swapped = structuredClone(bundle);
    const note = swapped.streams[stream]!.find((event) => event.redaction)!;
    note.redaction = { dataHash: dataCommitment({ body: 'something else' }) };
    expect(checkEvidenceBundle(swapped).lines[0]).toMatch(/BROKEN .*content does not match/);
  });

  it('never throws on a malformed bundle', () => {
    for (const junk of [null, {}, { format: 'ledgerdesk-evidence-bundle/2', streams: { s: [null] } }, { format: 'ledgerdesk-evidence-bundle/2', streams: 7 }]) {
      const check = checkEvidenceBundle(junk as unknown as EvidenceBundle);
      expect(check.ok).toBe(false);
    }
  });
});

describe.each(TEST_BACKENDS)('evidence bundles of a store tampered with behind its back (%s)', (backend) => {
  let platform: TestPlatform;
  let admin: string;
  let customer: string;
  let accountId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ backend, clockStart: '2026-03-06T02:00:00Z' });
    admin = await platform.token('ADMIN');
    const calendarId = await defineCalendar(platform, admin);
    accountId = await registerAccount(platform, admin);
    await signContract(platform, admin, standardContract(accountId, calendarId));
    customer = await platform.token('CUSTOMER', { accountId });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const openTicket = async () =>
    (await mustData(platform.gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity: 'P0' } }, customer))).openTicket.id as string;
  const exported = async (ticketId: string, token: string) =>
    (await (await fetch(`${platform.url}/audit/tickets/${ticketId}/export`, { headers: { authorization: `Bearer ${token}` } })).json()) as EvidenceBundle;

  it('catches the last event deleted from the store, in the ticket stream and in the SLA stream', async () => {
    for (const prefix of ['ticket', 'sla']) {
      const ticketId = await openTicket();
      await mustData(platform.gql('mutation($id: ID!) { addReply(ticketId: $id, body: "On it") { id } }', { id: ticketId }, admin));
      const stream = `${prefix}-${ticketId}`;
      // The SLA stream may hold only its pin: deleting it leaves the stream empty, still short of its head.
      expect((await platform.runtime.store.readStream(stream)).length, stream).toBeGreaterThan(0);
      expect(checkEvidenceBundle(await exported(ticketId, admin)).ok, `${stream} before the deletion`).toBe(true);
      await platform.runtime.readDb.query(
        `DELETE FROM event_store.events WHERE stream = $1 AND revision = (SELECT max(revision) FROM event_store.events WHERE stream = $1)`,
        [stream],
      );
      const check = checkEvidenceBundle(await exported(ticketId, admin));
      expect(check.ok, stream).toBe(false);
      expect(check.lines.join('\n')).toMatch(new RegExp(`BROKEN  ${stream}: .*missing from its tail`));
    }
  });

  it('catches "redacted": true written into an event that may not be withheld', async () => {
    const ticketId = await openTicket();
    await platform.runtime.readDb.query(
      `UPDATE event_store.events SET data = data || '{"redacted":true,"claimedSeverity":"P3"}' WHERE stream = $1 AND revision = 0`,
      [`ticket-${ticketId}`],
    );
    for (const token of [admin, customer]) {
      const check = checkEvidenceBundle(await exported(ticketId, token));
      expect(check.ok).toBe(false);
      expect(check.lines[0]).toMatch(new RegExp(`BROKEN  ticket-${ticketId}: revision 0: content does not match`));
    }
  });
});
