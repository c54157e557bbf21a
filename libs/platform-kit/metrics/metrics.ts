import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, RecordedEvent } from '#event-store';

/** Seconds; from a cache hit to a slow report. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Operation names are chosen by clients: long ones are cut so that a label stays a label. */
const MAX_OPERATION_LABEL = 64;

/**
 * One app's Prometheus metrics, in its own registry (tests run several apps in one process): process
 * defaults, HTTP request duration by route and status, GraphQL operation duration, event append latency.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequestDuration = new Histogram({
    name: 'ledgerdesk_http_request_duration_seconds',
    help: 'HTTP requests by method, matched route (not the raw path) and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlOperationDuration = new Histogram({
    name: 'ledgerdesk_graphql_operation_duration_seconds',
    help: 'GraphQL operations by operation name, type and outcome (ok, or error when the answer carries errors)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly eventAppendDuration = new Histogram({
    name: 'ledgerdesk_event_append_duration_seconds',
    help: 'Appends to the event store by store kind and outcome (ok, or the error name, e.g. a version conflict)',
    labelNames: ['store', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledgerdesk_' });
  }

  /** Express-style middleware timing every request until its answer is sent. */
  httpMiddleware() {
    return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
      const end = this.httpRequestDuration.startTimer();
      res.once('finish', () => end({ method: req.method ?? 'GET', route: routeOf(req), status: String(res.statusCode) }));
      next();
    };
  }

  /** Times each GraphQL operation from its arrival to its answer. */
  graphqlPlugin(): ApolloServerPlugin {
    const histogram = this.graphqlOperationDuration;
    return {
      async requestDidStart() {
        const end = histogram.startTimer();
        return {
          async willSendResponse({ operationName, operation, response }) {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
            end({
              operation: (operationName ?? 'anonymous').slice(0, MAX_OPERATION_LABEL),
              type: operation?.operation ?? 'unknown',
              outcome: errors?.length ? 'error' : 'ok',
            });
          },
        };
      },
    };
  }

  /** The store, its appends timed. */
  timedStore(store: EventStore): EventStore {
    return new TimedEventStore(store, this.eventAppendDuration);
  }
}

/** A route label of bounded cardinality: the matched pattern, GraphQL's path, or `unmatched`. */
function routeOf(req: IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string }): string {
  const matched = req.route?.path;
  if (typeof matched === 'string') return `${req.baseUrl ?? ''}${matched}`;
  // Apollo is mounted as middleware (no route): Express rewrites `url` below the mount, not `originalUrl`.
  return (req.originalUrl ?? req.url ?? '').split('?')[0] === '/graphql' ? '/graphql' : 'unmatched';
}

class TimedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly appendDuration: Histogram<'store' | 'outcome'>,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  async append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const end = this.appendDuration.startTimer({ store: this.inner.kind });
    try {
      const result = await this.inner.append(stream, events, expectedRevision);
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: error instanceof Error ? error.name : 'error' });
      throw error;
    }
  }

  /** Timed as one append: `outcome` ok, or the error's name when it throws (a stream's conflict is an outcome, not a throw). */
  appendMany: EventStore['appendMany'] = async (appends) => {
    const end = this.appendDuration.startTimer({ store: this.inner.kind });
    try {
      const outcomes = await this.inner.appendMany(appends);
      end({ outcome: 'ok' });
      return outcomes;
    } catch (error) {
      end({ outcome: error instanceof Error ? error.name : 'error' });
      throw error;
    }
  };
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  /** The inner store's one-statement read where it has one (SQL), else each stream read, 16 at a time. */
  readStreams: NonNullable<EventStore['readStreams']> = async (streams) => {
    if (this.inner.readStreams) return this.inner.readStreams(streams);
    const read = new Map<string, RecordedEvent[]>();
    for (let start = 0; start < streams.length; start += 16) {
      const chunk = streams.slice(start, start + 16);
      const events = await Promise.all(chunk.map((stream) => this.inner.readStream(stream)));
      chunk.forEach((stream, index) => read.set(stream, events[index]!));
    }
    return read;
  };
  subscribe: EventStore['subscribe'] = (...args) => this.inner.subscribe(...args);
  verifyStream: EventStore['verifyStream'] = (...args) => this.inner.verifyStream(...args);
  streamHead: EventStore['streamHead'] = (stream) => this.inner.streamHead(stream);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  ping: EventStore['ping'] = () => this.inner.ping();
  close: EventStore['close'] = () => this.inner.close();
}
