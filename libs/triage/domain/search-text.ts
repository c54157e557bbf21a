import { badUserInput } from '#contracts';

/**
 * Full-text search over tickets without a language parser in the database. PostgreSQL's default text-search
 * parser does not segment Chinese (a whole run of Han characters becomes one "word"), so the text is cut here,
 * in plain code, and handed to the database as a ready `tsvector` / `tsquery` literal:
 *
 * - Latin-script words (letters and digits; `.`, `_`, `-`, `+` inside a word keep it whole: `4.2.1`, `err_code`,
 *   `c++`) are lowercased (after NFKC, so full-width `ＳＤＫ` is `sdk`); a compound also yields its parts at the
 *   same position (`foo-bar` → `foo-bar`, `foo`, `bar`).
 * - CJK runs (Han, Hiragana, Katakana, Hangul) yield overlapping character bigrams (`音频卡顿` → `音频` `频卡` `卡顿`)
 *   at consecutive positions, plus the run's last character alone, so a one-character query (a prefix match)
 *   finds every occurrence of that character.
 *
 * A query is cut the same way: a CJK run must appear as a whole (its bigrams at adjacent positions), words are
 * ANDed, quoted phrases must appear in order, and alphabetic words of three letters or more match as prefixes
 * (`crash` finds `crashes`; numbers and codes match exactly: `1003` does not find `10030`).
 */

const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const WORD_CHAR = `(?:(?![${CJK_CLASS}])[\\p{L}\\p{N}\\p{M}])`;
const TOKEN = new RegExp(`([${CJK_CLASS}]+)|(${WORD_CHAR}+(?:[._+\\-]${WORD_CHAR}+)*\\+*)`, 'gu');

/** Longest lexeme kept (longer "words" are blobs: base64, hashes). */
const MAX_LEXEME = 64;
/** tsvector positions stop at 16383; a lexeme keeps at most 255 of them. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 255;
/** Gap between fields, so a phrase never matches across two of them. */
const FIELD_GAP = 64;
/** Characters of one field that are indexed (an e-mail thread pasted whole should not make a 1 MB tsvector). */
const MAX_FIELD_CHARS = 50_000;

export type SearchWeight = 'A' | 'B' | 'C' | 'D';

interface Piece {
  kind: 'word' | 'cjk';
  text: string;
}

function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(TOKEN)) {
    if (match[1]) out.push({ kind: 'cjk', text: match[1] });
    else if (match[2]) out.push({ kind: 'word', text: match[2] });
  }
  return out;
}

/** One lexeme at one position relative to the text's start. */
interface Placed {
  lexeme: string;
  position: number;
  /** A match on the lexeme's prefix (queries only). */
  prefix?: boolean;
}

/** Lexemes of one text for the index, and how many positions it took. */
function indexLexemes(text: string): { placed: Placed[]; length: number } {
  const placed: Placed[] = [];
  let position = 0;
  for (const piece of pieces(text)) {
    if (piece.kind === 'word') {
      if (piece.text.length <= MAX_LEXEME) {
        placed.push({ lexeme: piece.text, position });
        const parts = piece.text.split(/[._+\-]+/).filter((part) => part.length > 0);
        if (parts.length > 1) for (const part of new Set(parts)) placed.push({ lexeme: part, position });
      }
      position += 1;
    } else {
      const chars = [...piece.text];
      for (let i = 0; i + 1 < chars.length; i++) placed.push({ lexeme: chars[i]! + chars[i + 1]!, position: position + i });
      placed.push({ lexeme: chars.at(-1)!, position: position + chars.length - 1 });
      position += chars.length;
    }
  }
  return { placed, length: position };
}

const quoteLexeme = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A `tsvector` literal of weighted texts (A ranks highest), e.g. `'audio':1A 'crash':2A,9C`; cast with
 * `$1::tsvector`. Empty texts contribute nothing; an empty document is `''` (matches nothing).
 */
export function searchVector(fields: readonly { text: string | null | undefined; weight: SearchWeight }[]): string {
  const positions = new Map<string, string[]>();
  let offset = 1;
  for (const field of fields) {
    if (!field.text) continue;
    const { placed, length } = indexLexemes(field.text.slice(0, MAX_FIELD_CHARS));
    for (const { lexeme, position } of placed) {
      const at = Math.min(offset + position, MAX_POSITION);
      const list = positions.get(lexeme) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${at}${field.weight}`);
      positions.set(lexeme, list);
    }
    offset += length + FIELD_GAP;
  }
  return [...positions].map(([lexeme, list]) => `${quoteLexeme(lexeme)}:${[...new Set(list)].join(',')}`).join(' ');
}

export const SEARCH_STATUSES = ['OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED'] as const;
export const SEARCH_SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export const SEARCH_CHANNELS = ['PORTAL', 'EMAIL', 'IM', 'PHONE', 'HEALTH_CHECK'] as const;

/** What the fielded terms of a query ask for (each ANDed with the text and the `filter` argument). */
export interface FieldedTerms {
  errorCode: string[];
  /** `sdk:4.2` (a version, or a prefix of one by whole components) … */
  sdkVersion: string[];
  /** … or `sdk:web` (part of the SDK's name, case-insensitive). */
  sdkName: string[];
  status: string[];
  severity: string[];
  channel: string[];
}

export interface ParsedSearch {
  /** The `tsquery` literal of the text part; null when the query is fielded terms only. */
  tsquery: string | null;
  /**
   * The same terms with each sequence (a quoted phrase, a CJK run of three characters or more) loosened to an AND of
   * its lexemes: what a GIN index answers without reading the vectors (it keeps no positions, so a sequence must be
   * rechecked on each row's vector). Its hits include `tsquery`'s; equal to it when the query has no sequence.
   */
  looseTsquery: string | null;
  fielded: FieldedTerms;
  /** What highlights mark: words (matched as prefixes at a word start when `prefix`) and CJK runs. */
  needles: { text: string; prefix: boolean }[];
}

export const MAX_QUERY_LENGTH = 500;
const MAX_TERMS = 32;

const FIELDS: Record<string, keyof FieldedTerms | 'sdk'> = {
  errorcode: 'errorCode',
  error: 'errorCode',
  sdk: 'sdk',
  sdkname: 'sdkName',
  sdkversion: 'sdkVersion',
  status: 'status',
  severity: 'severity',
  channel: 'channel',
};
const VERSION = /^v?\d+(?:\.\d+)*(?:[-+][0-9a-z.\-]+)?$/i;

/** A query's own lexemes, per piece: a word, or a CJK run's bigrams (a one-character run: a prefix of its bigrams). */
function queryLexemes(text: string, { prefixWords }: { prefixWords: boolean }): { pieces: Placed[][]; needles: ParsedSearch['needles'] } {
  const out: Placed[][] = [];
  const needles: ParsedSearch['needles'] = [];
  let position = 0;
  for (const piece of pieces(text)) {
    if (piece.kind === 'word') {
      if (piece.text.length > MAX_LEXEME) throw badUserInput(`a search word is longer than ${MAX_LEXEME} characters`, 'query');
      const prefix = prefixWords && /^\p{L}{3,}$/u.test(piece.text);
      out.push([{ lexeme: piece.text, position, prefix }]);
      needles.push({ text: piece.text, prefix });
      position += 1;
    } else {
      const chars = [...piece.text];
      const run: Placed[] = [];
      if (chars.length === 1) run.push({ lexeme: chars[0]!, position, prefix: true });
      for (let i = 0; i + 1 < chars.length; i++) run.push({ lexeme: chars[i]! + chars[i + 1]!, position: position + i });
      out.push(run);
      needles.push({ text: piece.text, prefix: false });
      position += chars.length;
    }
  }
  return { pieces: out, needles };
}

/** Lexemes in order as one tsquery: `'a' <1> 'b' <2> 'c'` (the distances are their positions' differences). */
function sequence(placed: readonly Placed[]): string {
  let out = '';
  placed.forEach((item, i) => {
    const term = `${quoteLexeme(item.lexeme)}${item.prefix ? ':*' : ''}`;
    out += i === 0 ? term : ` <${item.position - placed[i - 1]!.position}> ${term}`;
  });
  return placed.length > 1 ? `(${out})` : out;
}

/** Lexemes ANDed in any order (a sequence's loosening): `'a' & 'b' & 'c'`. */
function conjunction(placed: readonly Placed[]): string {
  const terms = [...new Set(placed.map((item) => `${quoteLexeme(item.lexeme)}${item.prefix ? ':*' : ''}`))];
  return terms.length > 1 ? `(${terms.join(' & ')})` : terms[0]!;
}

/**
 * Reads a search query: words, "quoted phrases" and fielded terms (`errorCode:1003`, `sdk:4.2`, `sdk:web`,
 * `status:OPEN`, `severity:P1`, `channel:EMAIL`; a value may be quoted). Any other `word:value` is text.
 * Refused (BAD_USER_INPUT): nothing to search for, over 500 characters, an unclosed quote, an empty or unknown
 * value of a known field, too many terms.
 */
export function parseSearchQuery(query: string): ParsedSearch {
  if (query.length > MAX_QUERY_LENGTH) throw badUserInput(`query is longer than ${MAX_QUERY_LENGTH} characters`, 'query');
  if ((query.match(/"/g)?.length ?? 0) % 2 === 1) throw badUserInput('query has an unclosed quote (")', 'query');
  const fielded: FieldedTerms = { errorCode: [], sdkVersion: [], sdkName: [], status: [], severity: [], channel: [] };
  const groups: string[] = [];
  const loose: string[] = [];
  const needles: ParsedSearch['needles'] = [];
  let terms = 0;
  const ITEM = /([\p{L}\p{N}_]+):(?:"([^"]*)"|(\S*))|"([^"]*)"|(\S+)/gu;
  for (const match of query.matchAll(ITEM)) {
    const [, field, quotedValue, plainValue, phrase, word] = match;
    const kind = field !== undefined ? FIELDS[field.toLowerCase()] : undefined;
    if (field !== undefined && kind) {
      const value = (quotedValue ?? plainValue ?? '').trim();
      if (!value) throw badUserInput(`${field}: needs a value`, 'query');
      terms++;
      addFielded(fielded, kind, field, value);
      continue;
    }
    const text = phrase ?? word ?? match[0];
    const { pieces: found, needles: marks } = queryLexemes(text, { prefixWords: phrase === undefined });
    if (found.length === 0) continue;
    needles.push(...marks);
    // A phrase is one sequence; an unquoted item ("SDK卡顿", "a/b") is one term per word and per CJK run.
    if (phrase !== undefined) {
      groups.push(sequence(found.flat()));
      loose.push(conjunction(found.flat()));
    } else {
      for (const piece of found) {
        groups.push(sequence(piece));
        loose.push(conjunction(piece));
      }
    }
    terms += phrase !== undefined ? 1 : found.length;
  }
  if (terms > MAX_TERMS) throw badUserInput(`query has more than ${MAX_TERMS} terms`, 'query');
  const hasFielded = Object.values(fielded).some((values) => values.length > 0);
  if (groups.length === 0 && !hasFielded) throw badUserInput('query has nothing to search for (no words, no field:value terms)', 'query');
  return {
    tsquery: groups.length ? [...new Set(groups)].join(' & ') : null,
    looseTsquery: loose.length ? [...new Set(loose)].join(' & ') : null,
    fielded,
    needles: dedupeNeedles(needles),
  };
}

function addFielded(fielded: FieldedTerms, kind: keyof FieldedTerms | 'sdk', field: string, value: string): void {
  const upper = value.toUpperCase();
  switch (kind) {
    case 'status':
    case 'severity':
    case 'channel': {
      const allowed: readonly string[] = kind === 'status' ? SEARCH_STATUSES : kind === 'severity' ? SEARCH_SEVERITIES : SEARCH_CHANNELS;
      if (!allowed.includes(upper)) throw badUserInput(`${field}:${value} is not one of ${allowed.join(', ')}`, 'query');
      fielded[kind].push(upper);
      return;
    }
    case 'sdk':
      if (VERSION.test(value)) fielded.sdkVersion.push(value.replace(/^v/i, ''));
      else fielded.sdkName.push(value);
      return;
    case 'sdkVersion':
      if (!VERSION.test(value)) throw badUserInput(`${field}:${value} is not a version`, 'query');
      fielded.sdkVersion.push(value.replace(/^v/i, ''));
      return;
    default:
      fielded[kind].push(value);
  }
}

function dedupeNeedles(needles: ParsedSearch['needles']): ParsedSearch['needles'] {
  const seen = new Map<string, { text: string; prefix: boolean }>();
  for (const needle of needles) {
    const key = needle.text;
    const kept = seen.get(key);
    seen.set(key, { text: key, prefix: Boolean(kept?.prefix) || needle.prefix });
  }
  // Longer first, so "卡顿严重" is marked before "卡顿" would split it.
  return [...seen.values()].sort((a, b) => b.text.length - a.text.length);
}

export interface Highlight {
  snippet: string;
  /** [start, end) offsets into `snippet` (UTF-16 code units, as JavaScript strings count). */
  matches: { start: number; end: number }[];
}

const SNIPPET_LENGTH = 200;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\\-]/g, '\\$&');

/**
 * Where the query's words occur in a text, as a snippet of at most ~200 characters around the first match with
 * the matches' offsets in it; null when nothing matches. Plain text, never markup: clients mark it up.
 */
export function highlight(text: string | null | undefined, needles: ParsedSearch['needles']): Highlight | null {
  if (!text || needles.length === 0) return null;
  const source = needles
    .map((needle) => (/^[\p{L}\p{N}]/u.test(needle.text) && !/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(needle.text) ? `(?<![\\p{L}\\p{N}])${escapeRegExp(needle.text)}${needle.prefix ? '' : '(?![\\p{L}\\p{N}])'}` : escapeRegExp(needle.text)))
    .join('|');
  const pattern = new RegExp(source, 'giu');
  const ranges: { start: number; end: number }[] = [];
  for (const match of text.matchAll(pattern)) {
    if (match[0].length === 0) continue;
    ranges.push({ start: match.index, end: match.index + match[0].length });
    if (ranges.length >= 50) break;
  }
  if (ranges.length === 0) return null;
  if (text.length <= SNIPPET_LENGTH) return { snippet: text, matches: ranges };
  let start = Math.max(0, ranges[0]!.start - 60);
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  start = Math.max(0, Math.min(start, end - SNIPPET_LENGTH));
  // Do not cut a surrogate pair in two.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start]!)) start--;
  if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end]!)) end++;
  const lead = start > 0 ? '…' : '';
  const snippet = `${lead}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  const matches = ranges
    .filter((range) => range.start >= start && range.end <= end)
    .map((range) => ({ start: range.start - start + lead.length, end: range.end - start + lead.length }));
  return { snippet, matches };
}
