import type { RecordedEvent, SqlExecutor } from '#event-store';

/**
 * A read model: the events it handles, folded into rows of its context's schema. `apply` runs inside the
 * transaction that also moves its checkpoint, so a batch is either wholly applied or not at all.
 */
export interface Projection {
  /** Checkpoint key; also what `projections rebuild <name>` takes. */
  readonly name: string;
  /** Event types it reads; every other event only moves its checkpoint. */
  readonly eventTypes: readonly string[];
  /** Idempotent DDL for its tables. */
  setup(sql: SqlExecutor): Promise<void>;
  /** Deletes its rows, for a rebuild. */
  reset(tx: SqlExecutor): Promise<void>;
  apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void>;
}
