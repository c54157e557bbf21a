import { describe, expect, it } from 'vitest';
import { highlight, parseSearchQuery, searchVector } from './search-text.js';

describe('search text', () => {
  it('cuts CJK runs into bigrams plus the last character, words into lowercase lexemes', () => {
    expect(searchVector([{ text: '音频卡顿 SDK', weight: 'A' }])).toBe("'音频':1A '频卡':2A '卡顿':3A '顿':4A 'sdk':5A");
    expect(searchVector([{ text: 'foo-bar 4.2.1', weight: 'B' }])).toBe("'foo-bar':1B 'foo':1B 'bar':1B '4.2.1':2B '4':2B '2':2B '1':2B");
    expect(searchVector([{ text: 'ＳＤＫ', weight: 'A' }])).toBe("'sdk':1A");
  });

  it('keeps fields apart and quotes lexemes', () => {
    // Punctuation separates words; a field starts 64 positions after the previous one ends.
    expect(searchVector([{ text: "it's", weight: 'A' }, { text: null, weight: 'B' }, { text: 'a\\b', weight: 'D' }])).toBe("'it':1A 's':2A 'a':67D 'b':68D");
  });

  it('reads words, CJK runs, phrases and fielded terms', () => {
    const parsed = parseSearchQuery('音频卡顿 crash errorCode:1003 sdk:4.2 sdk:"Agora Web" status:open');
    expect(parsed.tsquery).toBe("('音频' <1> '频卡' <1> '卡顿') & 'crash':*");
    expect(parsed.fielded).toMatchObject({ errorCode: ['1003'], sdkVersion: ['4.2'], sdkName: ['Agora Web'], status: ['OPEN'] });
    expect(parseSearchQuery('"audio drops" 卡').tsquery).toBe("('audio' <1> 'drops') & '卡':*");
    expect(parseSearchQuery('SDK卡顿').tsquery).toBe("'sdk':* & '卡顿'");
    expect(parseSearchQuery('status:CLOSED').tsquery).toBeNull();
    expect(parseSearchQuery('status:CLOSED').looseTsquery).toBeNull();
  });

  it('loosens each sequence to an AND of its lexemes (what the index answers without positions)', () => {
    expect(parseSearchQuery('音频卡顿 crash').looseTsquery).toBe("('音频' & '频卡' & '卡顿') & 'crash':*");
    expect(parseSearchQuery('"audio drops audio" 卡').looseTsquery).toBe("('audio' & 'drops') & '卡':*");
    // Without a sequence the two are the same query.
    const plain = parseSearchQuery('音频 crash 1003');
    expect(plain.looseTsquery).toBe(plain.tsquery);
    expect(parseSearchQuery('http://x.io 1003').tsquery).toBe("'http':* & 'x.io' & '1003'");
  });

  it('refuses queries with nothing to search, unknown field values and unclosed quotes', () => {
    for (const bad of ['', '   ', '!!!', 'status:NOPE', 'errorCode:', '"open', 'x'.repeat(501), 'severity:P9']) {
      expect(() => parseSearchQuery(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });

  it('highlights words at word starts and CJK runs anywhere, in a snippet', () => {
    const { needles } = parseSearchQuery('crash 卡顿');
    expect(highlight('App crashes; no recrash. 视频卡顿', needles)).toEqual({
      snippet: 'App crashes; no recrash. 视频卡顿',
      matches: [
        { start: 4, end: 9 },
        { start: 27, end: 29 },
      ],
    });
    const long = `${'x '.repeat(200)}卡顿 here${' y'.repeat(200)}`;
    const h = highlight(long, needles)!;
    expect(h.snippet.startsWith('…')).toBe(true);
    expect(h.snippet.slice(h.matches[0]!.start, h.matches[0]!.end)).toBe('卡顿');
    expect(highlight('nothing', needles)).toBeNull();
  });
});
