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

export function decodeCursor(cursor: string | null | undefined, arity: number): unknown[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity) return key;
  } catch {
    // fall through: refused below
  }
  throw badUserInput('after is not a cursor this query handed out', 'after');
}
