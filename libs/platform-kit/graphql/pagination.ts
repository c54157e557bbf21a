import { Field, ObjectType } from '@nestjs/graphql';
import { badUserInput } from '#contracts';

@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field(() => Boolean, {
    description: 'Whether rows come before this page: true when it was asked for `after` a cursor (Relay allows this answer when paging forward)',
  })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: "The first edge's cursor (null on an empty page)" })
  startCursor!: string | null;
}

/** The page info of a forward page: its edges, whether more follow, and the `after` it was asked for. */
export function pageInfoOf(edges: readonly { cursor: string }[], hasNextPage: boolean, after: string | null | undefined): PageInfoType {
  return { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: after !== null && after !== undefined, startCursor: edges[0]?.cursor ?? null };
}

export const MAX_PAGE_SIZE = 200;

export function checkPageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be 1-${MAX_PAGE_SIZE}`, 'first');
  return first;
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

export function decodeCursor(cursor: string | null | undefined, shape: readonly CursorPart[]): unknown[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === shape.length && shape.every((part, i) => PART_CHECKS[part](key[i]))) return key;
  } catch {
    // fall through: refused below
  }
  throw badUserInput('after is not a cursor this query handed out', 'after');
}
