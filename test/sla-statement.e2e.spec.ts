import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStatementBundle } from '#audit';
import type { StatementBundle } from '#sla';
import { defineCalendar, mustData, registerAccount, registerStaff, signContract, standardContract } from './support/fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

export const STATEMENT = `query($a: ID!, $m: String!) { slaStatement(accountId: $a, month: $m) { accountId month status monthOpen issuedAt issuedBy { id role }
  figures { met missed attainmentPercent resolvedTickets } bySeverity { severity met missed attainmentPercent }
  breaches { ticketId metric cycle severity state dueAt minutesLate claimId claimStatus proposedCredit { amount currency } }
  proposedCredits { amount currency } approvedCredits { amount currency } creditCap { amount currency } contractVersions
  revisions { revision causeEventType changes { path before after } } } }`;
const ISSUE = 'mutation($a: ID!, $m: String!) { issueSlaStatement(accountId: $a, month: $m) { status issuedAt figures { met missed attainmentPercent } } }';
const FILE = 'mutation($a: ID!, $m: String!) { fileClaimsForStatement(accountId: $a, month: $m) { id metric status verdict { breached minutesLate } proposedCredit { amount currency } } }';

/** The text a PDF shows: its content streams inflated, the strings of its text operators decoded. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const op of content.matchAll(/\[((?:[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hexes = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]!) : [op[2]!];
      lines.push(hexes.map((hex) => Buffer.from(hex, 'hex').toString('latin1')).join(''));
    }
  }
  return lines.join('\n');
}

/**
 * May 2026 of a New York account, by hand. A: claimed P0, assessed P2, answered after 30 min and resolved at
 * 40 — under P2 both clocks met; the customer's dispute is upheld only in June, after issue, which makes its
 * first response (P0: 15 min) missed by 15 min. B: P1, answered after 80 min (missed by 20), resolved at 90.
 */
describe('monthly SLA statements: issue, revisions, claims for every breach', () => {
  let platform: TestPlatform;
  let admin: string;
  let engineer: string;
  let customer: string;
  let tam: string;
  let otherTam: string;
  let accountId: string;
  let otherAccountId: string;
  let ticketA: string;
  let ticketB: string;

  const gql = (query: string, variables: Record<string, unknown>, token: string) => mustData(platform.gql(query, variables, token));
  const code = async (query: string, variables: Record<string, unknown>, token: string) => (await platform.gql(query, variables, token)).errors?.[0]?.extensions?.code;
  const advance = (to: string) => gql('mutation($to: DateTime!) { advanceClock(to: $to) }', { to }, admin);
  const act = (mutation: string, id: string, token = engineer) => gql(`mutation($id: ID!) { ${mutation} { id } }`, { id }, token);
  const open = async (claimedSeverity: string) =>
    (await gql('mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }', { input: { accountId, channel: 'PORTAL', subject: 's', description: 'd', claimedSeverity } }, admin)).openTicket.id as string;
  /** The revisions reactor and the statements read model have caught up with the log. */
  const caughtUp = async () => {
    const head = await platform.runtime.store.headPosition();
    await platform.runtime.reactorRunner.waitFor('sla.statement-revisions', head!, AbortSignal.timeout(20_000));
    await platform.runtime.settleAll();
  };
  const statement = async (token = admin) => (await gql(STATEMENT, { a: accountId, m: '2026-05' }, token)).slaStatement;

  beforeAll(async () => {
    platform = await startTestPlatform({ clockStart: '2026-05-04T12:00:00Z', env: { LEDGERDESK_AUTO_CLOSE_AFTER: '90d' } });
    admin = await platform.token('ADMIN');
    engineer = await platform.token('ENGINEER');
    const calendarId = await defineCalendar(platform, admin, {
      name: 'New York 5x8', timeZone: 'America/New_York', weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), holidays: [],
    });
    accountId = await registerAccount(platform, admin, { region: 'AMER', timeZone: 'America/New_York' });
    otherAccountId = await registerAccount(platform, admin, { name: 'Other', region: 'AMER', timeZone: 'America/New_York' });
    await signContract(platform, admin, standardContract(accountId, calendarId));
    const tamId = await registerStaff(platform, admin, { role: 'TAM', regions: ['AMER'] });
    const otherTamId = await registerStaff(platform, admin, { role: 'TAM', regions: ['AMER'] });
    await gql('mutation($a: ID!, $t: ID!) { assignTam(accountId: $a, tamId: $t) { id } }', { a: accountId, t: tamId }, admin);
    tam = await platform.token('TAM', { id: tamId });
    otherTam = await platform.token('TAM', { id: otherTamId });
    customer = await platform.token('CUSTOMER', { accountId });

    ticketA = await open('P0');
    await act('assessSeverity(ticketId: $id, severity: P2, reason: "single user")', ticketA);
    await advance('2026-05-04T12:30:00Z');
    await act('addReply(ticketId: $id, body: "Looking")', ticketA);
    await act('disputeSeverity(ticketId: $id, reason: "stream down")', ticketA, customer);
    await advance('2026-05-04T12:40:00Z');
    await act('resolveTicket(ticketId: $id, resolution: "fixed")', ticketA);

    await advance('2026-05-05T12:00:00Z');
    ticketB = await open('P1');
    await advance('2026-05-05T13:20:00Z');
    await act('addReply(ticketId: $id, body: "Looking")', ticketB);
    await advance('2026-05-05T13:30:00Z');
    await act('resolveTicket(ticketId: $id, resolution: "fixed")', ticketB);
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('refuses to issue an open, future or malformed month, and anyone but ADMIN or the account’s TAM', async () => {
    expect(await code(ISSUE, { a: accountId, m: '2026-05' }, admin)).toBe('BAD_USER_INPUT'); // May still open
    await advance('2026-06-01T03:59:59Z'); // 23:59:59 EDT on 31 May
    expect(await code(ISSUE, { a: accountId, m: '2026-05' }, admin)).toBe('BAD_USER_INPUT');
    expect(await code(ISSUE, { a: accountId, m: '2026-07' }, admin)).toBe('BAD_USER_INPUT');
    expect(await code(ISSUE, { a: accountId, m: '2026-5' }, admin)).toBe('BAD_USER_INPUT');
    expect(await code(ISSUE, { a: accountId, m: '2026-13' }, admin)).toBe('BAD_USER_INPUT');
    await advance('2026-06-01T04:00:00Z'); // June has begun in New York
    expect(await code(ISSUE, { a: accountId, m: '2026-05' }, customer)).toBe('FORBIDDEN');
    expect(await code(ISSUE, { a: accountId, m: '2026-05' }, engineer)).toBe('FORBIDDEN');
    expect(await code(ISSUE, { a: accountId, m: '2026-05' }, otherTam)).toBe('FORBIDDEN');
    expect(await code(ISSUE, { a: 'no-such-account', m: '2026-05' }, admin)).toBe('NOT_FOUND');
    expect((await statement()).status).toBe('DRAFT');
  });

  it('issues once (the TAM), with the month’s figures; twice is CONFLICT', async () => {
    const issued = (await gql(ISSUE, { a: accountId, m: '2026-05' }, tam)).issueSlaStatement;
    // MET: A's first response and resolution (P2), B's next update and resolution; MISSED: B's first response.
    expect(issued).toEqual({ status: 'ISSUED', issuedAt: '2026-06-01T04:00:00.000Z', figures: { met: 4, missed: 1, attainmentPercent: 80 } });
    expect(await code(ISSUE, { a: accountId, m: '2026-05' }, admin)).toBe('CONFLICT');
    const s = await statement(customer);
    expect(s).toMatchObject({
      status: 'ISSUED', monthOpen: false, figures: { met: 4, missed: 1, attainmentPercent: 80, resolvedTickets: 2 },
      bySeverity: [{ severity: 'P1', met: 2, missed: 1 }, { severity: 'P2', met: 2, missed: 0 }],
      proposedCredits: { amount: 0, currency: 'USD' }, creditCap: { amount: 3000, currency: 'USD' }, contractVersions: [1], revisions: [],
    });
    expect(s.breaches.map((b: any) => [b.ticketId, b.metric, b.severity, b.state, b.dueAt, b.minutesLate, b.claimStatus])).toEqual([
      [ticketB, 'FIRST_RESPONSE', 'P1', 'MISSED', '2026-05-05T13:00:00.000Z', 20, null],
    ]);
    const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
    expect(await code(STATEMENT, { a: accountId, m: '2026-05' }, stranger)).toBe('NOT_FOUND');
  });

  it('files a claim for every unclaimed breach in one call; a repeat files none; the statement records the change', async () => {
    expect(await code(FILE, { a: accountId, m: '2026-05' }, engineer)).toBe('FORBIDDEN');
    const stranger = await platform.token('CUSTOMER', { accountId: otherAccountId });
    expect(await code(FILE, { a: accountId, m: '2026-05' }, stranger)).toBe('NOT_FOUND');
    expect(await code(FILE, { a: accountId, m: 'May' }, customer)).toBe('BAD_USER_INPUT');
    const filed = (await gql(FILE, { a: accountId, m: '2026-05' }, customer)).fileClaimsForStatement;
    expect(filed).toEqual([expect.objectContaining({ metric: 'FIRST_RESPONSE', status: 'PENDING', verdict: { breached: true, minutesLate: 20 }, proposedCredit: { amount: 0, currency: 'USD' } })]);
    expect((await gql(FILE, { a: accountId, m: '2026-05' }, customer)).fileClaimsForStatement).toEqual([]);
    await caughtUp();
    const s = await statement();
    expect(s.breaches[0]).toMatchObject({ claimId: filed[0].id, claimStatus: 'PENDING' });
    expect(s.revisions).toHaveLength(1);
    expect(s.revisions[0].causeEventType).toBe('BreachClaimFiled');
    expect(s.revisions[0].changes).toContainEqual({ path: `breaches[${ticketB}/FIRST_RESPONSE/1].claimStatus`, before: 'null', after: '"PENDING"' });
  });

  it('revises the issued statement when a dispute decided after issue makes a breach retroactive', async () => {
    await advance('2026-06-02T15:00:00Z');
    await act('resolveSeverityDispute(ticketId: $id, outcome: UPHELD, reason: "it was down")', ticketA, admin);
    await caughtUp();
    const s = await statement();
    // A is now P0: first response missed by 15 (due 12:15Z), next update met (10 min), resolution met (40 min).
    expect(s).toMatchObject({
      status: 'ISSUED', figures: { met: 4, missed: 2, attainmentPercent: 66.67 },
      bySeverity: [{ severity: 'P0', met: 2, missed: 1 }, { severity: 'P1', met: 2, missed: 1 }],
    });
    expect(s.breaches.map((b: any) => [b.ticketId, b.severity, b.dueAt, b.minutesLate, b.claimStatus])).toEqual([
      [ticketA, 'P0', '2026-05-04T12:15:00.000Z', 15, null],
      [ticketB, 'P1', '2026-05-05T13:00:00.000Z', 20, 'PENDING'],
    ]);
    const revision = s.revisions[1];
    expect(revision).toMatchObject({ revision: 2, causeEventType: 'SeverityDisputeResolved' });
    expect(revision.changes).toEqual(expect.arrayContaining([
      { path: 'totals.missed', before: '1', after: '2' },
      { path: 'totals.attainmentPercent', before: '80', after: '66.67' },
      { path: 'bySeverity[P0].missed', before: 'null', after: '1' },
      { path: 'bySeverity[P2].met', before: '2', after: 'null' },
      { path: `breaches[${ticketA}/FIRST_RESPONSE/1].minutesLate`, before: 'null', after: '15' },
    ]));

    // The new breach is claimed by the next call (P0 first response: 5 % of 10,000 USD).
    const filed = (await gql(FILE, { a: accountId, m: '2026-05' }, tam)).fileClaimsForStatement;
    expect(filed.map((c: any) => [c.verdict.minutesLate, c.proposedCredit])).toEqual([[15, { amount: 500, currency: 'USD' }]]);
    await caughtUp();
    const after = await statement();
    expect(after.proposedCredits).toEqual({ amount: 500, currency: 'USD' });
    expect(after.revisions.at(-1).changes).toContainEqual({ path: 'proposedCredits.amount', before: '0', after: '500' });
  });

  it('downloads the statement as printable HTML with its chart, CSV rows, a PDF, and an evidence bundle that verifies', async () => {
    const get = (path: string, token: string | null = customer) =>
      fetch(`${platform.url}/reports/statements/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const html = await get(`${accountId}/2026-05`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toContain('<dd id="met">4</dd>');
    expect(page).toContain('<dd id="missed">2</dd>');
    expect(page).toContain('<dd id="attainment">66.67%</dd>');
    expect(page).toContain('<dd id="proposed-credits">500.00 USD</dd>');
    expect(page).toMatch(/<svg[^>]*aria-label="SLA attainment per severity"[\s\S]*>P0<[\s\S]*66.67%[\s\S]*>P1<[\s\S]*66.67%[\s\S]*<\/svg>/);
    const breachTable = page.slice(page.indexOf('<table id="breaches">'));
    expect(breachTable).toContain(`<td>${ticketA}</td><td>FIRST_RESPONSE</td><td>1</td><td>P0</td><td>MISSED</td><td>2026-05-04T12:15:00.000Z</td><td>15</td><td>PENDING</td><td>500.00 USD</td>`);
    expect(breachTable).toContain(`<td>${ticketB}</td><td>FIRST_RESPONSE</td><td>1</td><td>P1</td><td>MISSED</td><td>2026-05-05T13:00:00.000Z</td><td>20</td><td>PENDING</td>`);
    expect(page).not.toMatch(/<script|<link|src="http|href="http|@import|url\(/);

    const csv = (await (await get(`${accountId}/2026-05?format=csv`)).text()).trim().split('\r\n').map((line) => line.split(','));
    const column = (name: string) => csv[0]!.indexOf(name);
    const total = csv.find((cells) => cells[0] === 'TOTAL')!;
    expect([total[column('met')], total[column('missed')], total[column('attainment_percent')], total[column('resolved_tickets')]]).toEqual(['4', '2', '66.67', '2']);
    expect(csv.filter((cells) => cells[0] === 'SEVERITY').map((cells) => [cells[column('severity')], cells[column('met')], cells[column('missed')]])).toEqual([['P0', '2', '1'], ['P1', '2', '1']]);
    expect(csv.filter((cells) => cells[0] === 'BREACH').map((cells) => [cells[column('ticket_id')], cells[column('minutes_late')], cells[column('proposed_credit')]])).toEqual([[ticketA, '15', '500'], [ticketB, '20', '0']]);

    const pdfResponse = await get(`${accountId}/2026-05?format=pdf`);
    expect(pdfResponse.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await pdfResponse.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    // The PDF wraps long lines wherever the glyphs reach the margin (a ticket id may break at any character):
    // compared without whitespace.
    const text = pdfText(pdf).replace(/\s+/g, '');
    const squashed = (line: string) => line.replace(/\s+/g, '');
    expect(text).toContain(squashed('Met: 4   Missed: 2   Attainment: 66.67%'));
    expect(text).toContain(squashed('Proposed credits: 500.00 USD'));
    expect(text).toContain(squashed(`2026-05-04T12:15:00.000Z  P0 FIRST_RESPONSE #1  MISSED  15 min late  ticket ${ticketA}`));

    const bundle = (await (await get(`${accountId}/2026-05?format=json`)).json()) as StatementBundle;
    expect(bundle).toMatchObject({ format: 'ledgerdesk-statement-bundle/1', accountId, month: '2026-05', status: 'ISSUED' });
    const check = checkStatementBundle(bundle);
    expect(check.lines.filter((line) => !line.startsWith('HOLDS'))).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.lines).toContainEqual(expect.stringMatching(/^HOLDS {3}figures of the ISSUED statement .* identical \(4 met, 2 missed, 2 breaches\)/));
    // A bundle whose figures lie, or whose events were altered, does not hold.
    const lied = structuredClone(bundle);
    lied.figures.totals.missed = 1;
    expect(checkStatementBundle(lied).ok).toBe(false);
    const altered = structuredClone(bundle);
    (altered.streams[`ticket-${ticketB}`]!.find((e) => e.type === 'ReplyAdded')!.data as { addedAt: string }).addedAt = '2026-05-05T12:30:00.000Z';
    const alteredCheck = checkStatementBundle(altered);
    expect(alteredCheck.ok).toBe(false);
    expect(alteredCheck.lines).toContainEqual(expect.stringMatching(/^BROKEN {2}ticket-.*altered/));

    // Same access as the query: none without a token, another account’s customer gets 404, bad input 422 (BAD_USER_INPUT).
    expect((await get(`${accountId}/2026-05`, null)).status).toBe(401);
    expect((await get(`${accountId}/2026-05`, await platform.token('CUSTOMER', { accountId: otherAccountId }))).status).toBe(404);
    expect((await get(`${accountId}/2026-13`)).status).toBe(422);
    expect((await get(`${accountId}/2026-05?format=docx`)).status).toBe(422);
    // A draft month verifies too (the admin's view, unredacted).
    const draft = (await (await get(`${accountId}/2026-06?format=json`, admin)).json()) as StatementBundle;
    expect(draft.status).toBe('DRAFT');
    expect(checkStatementBundle(draft).ok).toBe(true);
  });

  it('rebuilds the statements read model from the log to the same statement', async () => {
    const before = await statement();
    await platform.runtime.projectionRunner.rebuild('sla.statements');
    expect(await statement()).toEqual(before);
  });
});
