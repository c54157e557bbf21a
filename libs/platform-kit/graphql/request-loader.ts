import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import DataLoader from 'dataloader';
import { requestContextOf } from '../auth/roles.decorator.js';

export type LoaderFactory = <K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | null)[]>) => DataLoader<K, V | null>;

/** A resolver parameter that creates (once per request) named DataLoaders: nested lists batch their reads. */
export const Loaders = createParamDecorator((_: unknown, context: ExecutionContext): LoaderFactory => {
  const request = requestContextOf(context);
  const loaders = (request.loaders ??= new Map());
  return <K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | null)[]>) => {
    let loader = loaders.get(name) as DataLoader<K, V | null> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V | null>(batch, { maxBatchSize: 500 });
      loaders.set(name, loader);
    }
    return loader;
  };
});

/** Orders batch results by key; missing keys resolve to null. */
export function byKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => found.get(key) ?? null);
}
