import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

const PENDING_PATH = resolve(import.meta.dirname, 'schema-descriptions-pending.txt');

function described(description: string | null | undefined): boolean {
  return typeof description === 'string' && description.trim().length > 0;
}

/**
 * Every named type, field, argument, enum value and input field of the schema without a description, one line each:
 * `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`, `Input.field`. Built-in scalars and introspection types are
 * skipped, and so are the root operation types themselves (their fields are not).
 */
export function undescribed(schema: GraphQLSchema): string[] {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!roots.has(type as never) && !described(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (!described(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (!described(value.description)) missing.push(`${type.name}.${value.name}`);
    } else if (isUnionType(type)) {
      // A union has no members of its own to describe.
    }
  }
  return missing.sort();
}

function readPending(): string[] {
  return readFileSync(PENDING_PATH, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

describe('every type, field, argument, enum value and input field of the served schema has a description', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('misses none beyond test/schema-descriptions-pending.txt, which lists nothing already described', () => {
    const missing = undescribed(platform.schema);
    const pending = readPending();
    expect(new Set(pending).size, 'test/schema-descriptions-pending.txt lists an entry twice').toBe(pending.length);
    const unlisted = missing.filter((entry) => !pending.includes(entry));
    expect(unlisted, 'these have no description: add one (`description:` in @Field/@ObjectType/@InputType/@Args/registerEnumType)').toEqual([]);
    const stale = pending.filter((entry) => !missing.includes(entry));
    expect(stale, 'these are described now (or gone): remove them from test/schema-descriptions-pending.txt').toEqual([]);
  });
});
