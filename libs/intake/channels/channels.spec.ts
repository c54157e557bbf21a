import { describe, expect, it } from 'vitest';
import { channelSubject, emailReceivedAt, messageIds, relayReceiptOf, senderOf, severityTag, slackText } from './channel-messages.js';
import { bearerMatches, slackSignature, slackSignatureProblem } from './channel-signatures.js';

describe('channel signatures', () => {
  // Slack's worked example ("Verifying requests from Slack"): pins the base string to the provider, not to us.
  const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
  const TIMESTAMP = '1531420618';
  const BODY =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  const at = Number(TIMESTAMP) * 1000;
  const check = (changes: Partial<{ timestamp: string; signature: string; body: string }>, nowMs = at) =>
    slackSignatureProblem(
      { timestamp: changes.timestamp ?? TIMESTAMP, signature: changes.signature ?? SIGNATURE, rawBody: Buffer.from(changes.body ?? BODY) },
      SECRET,
      nowMs,
    );

  it("verifies Slack's published example and signs it the same way", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(check({})).toBeNull();
    expect(check({ signature: SIGNATURE.toUpperCase().replace('V0=', 'v0=') })).toBeNull();
    expect(check({}, at + 300_000)).toBeNull();
  });

  it('refuses a changed body, another signature, malformed headers and timestamps more than 5 minutes away', () => {
    expect(check({ body: `${BODY}&x=1` })).toMatch(/does not match/);
    expect(check({ signature: `v0=${'a'.repeat(64)}` })).toMatch(/does not match/);
    expect(check({ signature: SIGNATURE.slice(0, -2) })).toMatch(/malformed/);
    expect(check({ signature: SIGNATURE.replace('v0=', 'v1=') })).toMatch(/malformed/);
    expect(check({ timestamp: 'soon' })).toMatch(/Timestamp/);
    expect(check({}, at + 301_000)).toMatch(/5 minutes/);
    expect(check({}, at - 301_000)).toMatch(/5 minutes/);
  });

  it('compares bearer secrets exactly', () => {
    const secret = 'email-channel-secret-0123456789-abcdef';
    expect(bearerMatches(`Bearer ${secret}`, secret)).toBe(true);
    expect(bearerMatches(`bearer ${secret}`, secret)).toBe(true);
    for (const header of [undefined, '', secret, `Bearer ${secret}x`, `Bearer ${secret.slice(1)}`, `Basic ${secret}`, `Bearer ${secret} extra`]) {
      expect(bearerMatches(header, secret), String(header)).toBe(false);
    }
  });
});

describe('channel messages', () => {
  it('reads the first [P0]…[P3] tag as the claimed severity and removes it', () => {
    expect(severityTag('[P1] Video freezes')).toEqual({ severity: 'P1', rest: 'Video freezes' });
    expect(severityTag('Re: [p0] Outage in [P3] region')).toEqual({ severity: 'P0', rest: 'Re: Outage in [P3] region' });
    expect(severityTag('Video [P4] freezes')).toEqual({ severity: 'P2', rest: 'Video [P4] freezes' });
    expect(severityTag('No tag')).toEqual({ severity: 'P2', rest: 'No tag' });
  });

  it('makes a one-line subject of at most 300 characters, with a fallback when blank', () => {
    expect(channelSubject('\n  first line  \nsecond', '-')).toBe('first line');
    expect(channelSubject('   ', '(no subject)')).toBe('(no subject)');
    const long = channelSubject('x'.repeat(400), '-');
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });

  it('takes the Date header only within 15 minutes of the relay receipt, else the receipt (within 30 days), else now', () => {
    const now = new Date('2026-02-13T09:00:00Z');
    expect(emailReceivedAt(new Date('2026-02-13T08:50:00Z'), now).toISOString()).toBe('2026-02-13T08:50:00.000Z');
    // A sender's old Date is a claim, not a receipt: a day back does not backdate the ticket.
    expect(emailReceivedAt(new Date('2026-02-12T09:00:00Z'), now)).toBe(now);
    const relay = new Date('2026-02-13T08:00:00Z');
    expect(emailReceivedAt(new Date('2026-02-13T07:46:00Z'), now, relay).toISOString()).toBe('2026-02-13T07:46:00.000Z');
    expect(emailReceivedAt(new Date('2026-02-13T07:44:59Z'), now, relay)).toBe(relay);
    expect(emailReceivedAt(undefined, now, relay)).toBe(relay);
    // A relay stamp in the future or older than 30 days is not trusted either.
    expect(emailReceivedAt(undefined, now, new Date('2026-02-13T09:00:01Z'))).toBe(now);
    expect(emailReceivedAt(undefined, now, new Date('2026-01-14T08:59:59Z'))).toBe(now);
    expect(emailReceivedAt(new Date('2026-02-13T09:00:01Z'), now)).toBe(now);
    expect(emailReceivedAt(new Date('nonsense'), now)).toBe(now);
    expect(emailReceivedAt(undefined, now)).toBe(now);
  });

  it('reads the relay receipt from the top Received header', () => {
    expect(relayReceiptOf(['from a by relay.example; Fri, 13 Feb 2026 08:31:00 +0000', 'from b by c; Fri, 13 Feb 2026 08:20:00 +0000'])?.toISOString()).toBe(
      '2026-02-13T08:31:00.000Z',
    );
    expect(relayReceiptOf('from a by relay.example')).toBeNull();
    expect(relayReceiptOf('from a; not a date')).toBeNull();
    expect(relayReceiptOf(undefined)).toBeNull();
  });

  it('finds message ids in In-Reply-To and References', () => {
    expect(messageIds('<a@x> <b@y>\r\n <a@x>')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIds(['<a@x>', '<c@z>'])).toEqual(['<a@x>', '<c@z>']);
    expect(messageIds(undefined)).toEqual([]);
    expect(messageIds('no ids here')).toEqual([]);
  });

  it('normalises sender addresses and refuses implausible ones', () => {
    expect(senderOf(' Wei@LiveCommerce.Example ')).toEqual({ address: 'wei@livecommerce.example', domain: 'livecommerce.example' });
    expect(senderOf('ops@bücher.example')).toEqual({ address: 'ops@bücher.example', domain: 'bücher.example' });
    for (const bad of [undefined, '', 'no-at-sign', 'a@localhost', 'a@b@c.example', 'a b@c.example', '@c.example']) expect(senderOf(bad), bad).toBeNull();
  });

  it("unescapes Slack's &amp; &lt; &gt;", () => {
    expect(slackText('a &lt;b&gt; &amp;amp; c')).toBe('a <b> &amp; c');
  });
});
