import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/** The file at the repository root that holds the served schema (`npm run schema:print` rewrites it). */
export const SCHEMA_SNAPSHOT_FILE = 'schema.graphql';

/** The served schema as SDL, sorted, so the snapshot only changes when the API does. */
export function printServedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
