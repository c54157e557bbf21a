import { describe, expect, it } from 'vitest';
import { AUTO_LINK_MIN_SCORE, rankSuggestions, suggestionScore, type SuggestibleIncident, type SuggestibleTicket } from './suggestions.js';

const at = (iso: string) => new Date(iso);
const incident = (id: string, over: Partial<SuggestibleIncident> = {}): SuggestibleIncident => ({
  id,
  status: 'OPEN',
  startedAt: at('2026-03-02T02:00:00Z'),
  regions: ['ap-east-1'],
  components: ['CDN'],
  sdkName: null,
  sdkVersionRange: null,
  ...over,
});
const ticket = (over: Partial<SuggestibleTicket> = {}): SuggestibleTicket => ({
  sdkName: null,
  sdkVersion: null,
  words: 'black screen',
  region: null,
  receivedAt: at('2026-03-02T02:10:00Z'),
  ...over,
});
const ranked = (t: SuggestibleTicket, incidents: SuggestibleIncident[]) => rankSuggestions(t, incidents).map((s) => [s.incident.id, s.matchedOn]);

describe('incident suggestions (rankSuggestions)', () => {
  it('matches the SDK in range, a component named in the ticket, the account’s region; best first', () => {
    const sdk = incident('sdk', { regions: [], components: [], sdkName: 'Web-SDK', sdkVersionRange: '>=4.2.0 <4.3.0' });
    const both = incident('both', { components: ['cdn'] });
    const region = incident('region', { components: ['Media server'] });
    const t = ticket({ sdkName: ' web-sdk ', sdkVersion: '4.2.7', words: 'playback stalls behind the cdn edge', region: 'AP-EAST-1' });
    expect(ranked(t, [region, both, sdk])).toEqual([
      ['sdk', ['SDK']],
      ['both', ['COMPONENT', 'REGION']],
      ['region', ['REGION']],
    ]);
    // Out of the range, or another SDK: no SDK match (and here nothing else matches).
    expect(ranked(ticket({ sdkName: 'web-sdk', sdkVersion: '4.3.0' }), [sdk])).toEqual([]);
    expect(ranked(ticket({ sdkName: 'ios-sdk', sdkVersion: '4.2.7' }), [sdk])).toEqual([]);
  });

  it('leaves out resolved incidents and those started more than an hour after the ticket came in', () => {
    const t = ticket({ region: 'ap-east-1', receivedAt: at('2026-03-02T01:00:00Z') });
    expect(ranked(t, [incident('resolved', { status: 'RESOLVED' })])).toEqual([]);
    expect(ranked(t, [incident('an hour later', { startedAt: at('2026-03-02T02:00:00Z') })])).toEqual([['an hour later', ['REGION']]]);
    expect(ranked(t, [incident('later still', { startedAt: at('2026-03-02T02:00:01Z') })])).toEqual([]);
    // A ticket whose arrival is not known yet is not held to the window.
    expect(ranked(ticket({ region: 'ap-east-1', receivedAt: null }), [incident('any', { startedAt: at('2027-01-01T00:00:00Z') })])).toEqual([['any', ['REGION']]]);
  });

  it('breaks ties by the latest start, then by id', () => {
    const t = ticket({ region: 'ap-east-1' });
    const older = incident('b-older', { startedAt: at('2026-03-02T01:00:00Z') });
    const newer = incident('c-newer', { startedAt: at('2026-03-02T02:05:00Z') });
    const sameAsNewer = incident('a-same', { startedAt: at('2026-03-02T02:05:00Z') });
    expect(ranked(t, [older, newer, sameAsNewer]).map(([id]) => id)).toEqual(['a-same', 'c-newer', 'b-older']);
  });

  it('scores what auto-linking needs: the SDK alone, or a component with the region; not either of those alone', () => {
    expect(suggestionScore(['SDK'])).toBeGreaterThanOrEqual(AUTO_LINK_MIN_SCORE);
    expect(suggestionScore(['COMPONENT', 'REGION'])).toBeGreaterThanOrEqual(AUTO_LINK_MIN_SCORE);
    expect(suggestionScore(['COMPONENT'])).toBeLessThan(AUTO_LINK_MIN_SCORE);
    expect(suggestionScore(['REGION'])).toBeLessThan(AUTO_LINK_MIN_SCORE);
  });
});
