import { Directive, Field, Int, ObjectType, registerEnumType, type ArgsOptions } from '@nestjs/graphql';
import { badUserInput } from '#contracts';

@ObjectType('PageInfo', { description: 'Where a page sits in its list (Relay)' })
@Directive('@shareable')
export class PageInfoType {
  @Field(() => Boolean, { description: 'whether rows come after this page' }) hasNextPage!: boolean;
  @Field(() => String, { description: 'the last edge’s cursor (null on an empty page): pass as `after` for the next page', nullable: true }) endCursor!: string | null;
  @Field(() => Boolean, {
    description:
      'Whether rows come before this page. Paging backward (`last`) it is exact; paging forward it is true when the page was asked for `after` a cursor (as Relay allows)',
  })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: "The first edge's cursor (null on an empty page)" })
  startCursor!: string | null;
}

/** Which way a list's ordering runs; every ordered connection takes `direction`. */
export const SortDirectionEnum = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortDirection = keyof typeof SortDirectionEnum;
registerEnumType(SortDirectionEnum, {
  name: 'SortDirection', valuesMap: { ASC: { description: 'the list’s natural order' }, DESC: { description: 'the reverse of it' } },
  description: "ASC: the list's natural order (oldest, soonest due first); DESC: the reverse",
});

/** The Relay arguments every connection takes besides its filters: pass to `@Args` with these names. */
export const PAGE_ARGS = {
  first: { type: () => Int, nullable: true, defaultValue: 50, description: 'page size, 1-200, counted from the start or `after`' },
  after: { type: () => String, nullable: true, description: 'the endCursor of the previous page' },
  last: { type: () => Int, nullable: true, description: 'page backward: the last 1-200 rows (before `before`); `first` is then ignored' },
  before: { type: () => String, nullable: true, description: 'the startCursor of the next page: rows before it' },
  direction: { type: () => SortDirectionEnum, nullable: true, defaultValue: 'ASC', description: 'ASC: natural order; DESC: reversed' },
} satisfies Record<string, ArgsOptions>;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  direction?: SortDirection | null;
}

/** A page asked for, cursors decoded: `size` rows right after `after`, or (backward) right before `before`. */
export interface PageWindow<K extends readonly unknown[] = unknown[]> {
  size: number;
  backward: boolean;
  after: K | null;
  before: K | null;
  direction: SortDirection;
}

/** Checks page size and cursors (BAD_USER_INPUT on `first`, `last`, `after` or `before`) and resolves the window. */
export function pageWindow<K extends readonly unknown[]>(args: PageArgs, shape: readonly CursorPart[]): PageWindow<K> {
  const backward = args.last !== null && args.last !== undefined;
  const size = backward ? checkPageSize(args.last!, 'last') : checkPageSize(args.first ?? 50);
  const after = decodeCursor(args.after, shape, 'after') as K | null;
  const before = decodeCursor(args.before, shape, 'before') as K | null;
  return { size, backward, after, before, direction: args.direction ?? 'ASC' };
}

/** The same window with its cursors' keys mapped (for a list whose cursor carries more than its sort key). */
export function mapWindow<K extends readonly unknown[], L extends readonly unknown[]>(window: PageWindow<K>, map: (key: K) => L): PageWindow<L> {
  return { ...window, after: window.after && map(window.after), before: window.before && map(window.before) };
}

/**
 * The keyset SQL of a window over the sort columns (e.g. `['due_at', 'id']`, compared as one row value),
 * each key part bound as a parameter with its cast: WHERE clauses to add, the ORDER BY and the LIMIT (one
 * extra row tells whether more follow). Rows come back in scan order; `pageOf` puts them in the list's order.
 */
export function keysetSql(
  window: PageWindow,
  columns: readonly string[],
  casts: readonly string[],
  bind: (value: unknown) => string,
): { where: string[]; orderBy: string; limit: number } {
  const ascending = window.direction === 'ASC';
  const row = `(${columns.join(', ')})`;
  const key = (values: readonly unknown[]) => `(${values.map((value, i) => `${bind(value)}::${casts[i]}`).join(', ')})`;
  const where: string[] = [];
  if (window.after) where.push(`${row} ${ascending ? '>' : '<'} ${key(window.after)}`);
  if (window.before) where.push(`${row} ${ascending ? '<' : '>'} ${key(window.before)}`);
  const scan = ascending !== window.backward ? 'ASC' : 'DESC';
  return { where, orderBy: columns.map((column) => `${column} ${scan}`).join(', '), limit: window.size + 1 };
}

/** The rows of a window fetched by `keysetSql`, in the list's order, and whether rows come before and after. */
export function pageOf<R>(rows: readonly R[], window: PageWindow): { rows: R[]; hasNextPage: boolean; hasPreviousPage: boolean } {
  const more = rows.length > window.size;
  const page = rows.slice(0, window.size);
  if (window.backward) return { rows: page.reverse(), hasPreviousPage: more || window.after !== null, hasNextPage: window.before !== null };
  return { rows: page, hasNextPage: more || window.before !== null, hasPreviousPage: window.after !== null };
}

/** Page info from the edges and what `pageOf` found. */
export function connectionPageInfo(edges: readonly { cursor: string }[], page: { hasNextPage: boolean; hasPreviousPage: boolean }): PageInfoType {
  return { hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage, endCursor: edges.at(-1)?.cursor ?? null, startCursor: edges[0]?.cursor ?? null };
}

/** The page info of a forward page: its edges, whether more follow, and the `after` it was asked for. */
export function pageInfoOf(edges: readonly { cursor: string }[], hasNextPage: boolean, after: string | null | undefined): PageInfoType {
  return { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: after !== null && after !== undefined, startCursor: edges[0]?.cursor ?? null };
}

export const MAX_PAGE_SIZE = 200;

export function checkPageSize(size: number, argument: 'first' | 'last' = 'first'): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badUserInput(`${argument} must be 1-${MAX_PAGE_SIZE}`, argument);
  return size;
}

/** Opaque cursors: the sort key of the last row, so pages stay stable while rows are added. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** What one value of a cursor's key must be: checked before it reaches SQL as a parameter. */
export type CursorPart = 'text' | 'integer' | 'instant' | 'instant-or-infinity';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const isInstant = (value: unknown) => typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
const PART_CHECKS: Record<CursorPart, (value: unknown) => boolean> = {
  text: (value) => typeof value === 'string' && value.length > 0 && value.length <= 200,
  integer: (value) => Number.isSafeInteger(value),
  instant: isInstant,
  'instant-or-infinity': (value) => value === 'infinity' || isInstant(value),
};

export function decodeCursor(cursor: string | null | undefined, shape: readonly CursorPart[], argument: 'after' | 'before' = 'after'): unknown[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === shape.length && shape.every((part, i) => PART_CHECKS[part](key[i]))) return key;
  } catch {
    // fall through: refused below
  }
  throw badUserInput(`${argument} is not a cursor this query handed out`, argument);
}
