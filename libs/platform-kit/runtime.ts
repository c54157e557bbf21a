import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { comparePositions, formatPosition, type AppendResult, type EventStore, type Position, type SqlClient } from '#event-store';
import { ProjectionRunner, ProjectionWaitTimeout, ReactorRunner, waitForCheckpoint, type Projection, type Reactor } from '#projections';
import type { Clock } from './clock/clock.js';
import type { Logger } from './logging/logger.js';
import { TimerScheduler, type TimerHandler } from './timers/timer-scheduler.js';
import type { Infrastructure } from './infrastructure.js';
import { reactionWaitMs, readYourWritesWaitMs } from './config/config.js';

export const CONFIG = Symbol('LedgerdeskConfig');
export const CLOCK = Symbol('Clock');
export const LOGGER = Symbol('Logger');
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const EVENT_STORE = Symbol('EventStore');
export const READ_DB = Symbol('ReadDb');


/** What a command wrote, for read-your-writes: its result, a bare append or position, or nothing. */
export type Written = { appended: AppendResult | null; eventTypes: string[] } | AppendResult | Position | null;

/**
 * The process's moving parts: the projections and timers every context registers while modules initialise,
 * started together once the application has bootstrapped and stopped in order on shutdown.
 */
@Injectable()
export class PlatformRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly projections: Projection[] = [];
  private readonly reactors: Reactor[] = [];
  private readonly timerHandlers = new Map<string, TimerHandler>();
  private readonly readiness = new Map<string, () => Promise<unknown>>();
  private runner: ProjectionRunner | null = null;
  private reactorsRunner: ReactorRunner | null = null;
  private scheduler: TimerScheduler | null = null;

  constructor(
    @Inject(INFRASTRUCTURE) private readonly infrastructure: Infrastructure,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get store(): EventStore {
    return this.infrastructure.store;
  }

  get readDb(): SqlClient {
    return this.infrastructure.readDb;
  }

  registerProjection(projection: Projection): void {
    if (this.runner) throw new Error('Projections must be registered before the application starts');
    this.projections.push(projection);
  }

  /** A reaction of this process's context to events of the log (see libs/projections/reactor.ts). */
  registerReactor(reactor: Reactor): void {
    if (this.reactorsRunner) throw new Error('Reactors must be registered before the application starts');
    this.reactors.push(reactor);
  }

  /**
   * A detail a context adds to GET /health/ready (informative: never a reason to be unready), e.g. outbound's
   * `outbound: {email, paging}` from the configuration in force. Read on every readiness request.
   */
  registerReadinessDetail(name: string, detail: () => Promise<unknown>): void {
    this.readiness.set(name, detail);
  }

  readinessDetail(name: string): (() => Promise<unknown>) | null {
    return this.readiness.get(name) ?? null;
  }

  registerTimer(kind: string, handler: TimerHandler): void {
    if (this.scheduler) throw new Error('Timer handlers must be registered before the application starts');
    this.timerHandlers.set(kind, handler);
  }

  get projectionRunner(): ProjectionRunner {
    if (!this.runner) throw new Error('The platform has not started');
    return this.runner;
  }

  get reactorRunner(): ReactorRunner {
    if (!this.reactorsRunner) throw new Error('The platform has not started');
    return this.reactorsRunner;
  }

  /**
   * Resolves true once the named checkpoint (a projection's or a reactor's) has passed `position`; false when
   * `signal` aborts first. A loop of this process is waited for directly; one of another process (a split
   * deployment) through its checkpoint in the database.
   */
  async reached(name: string, position: Position, signal: AbortSignal): Promise<boolean> {
    if (this.reactorsRunner?.has(name)) {
      await this.reactorsRunner.waitFor(name, position, signal);
      return !signal.aborted;
    }
    if (this.runner?.names.includes(name)) return this.runner.reached(name, position, signal);
    return waitForCheckpoint(this.readDb, name, position, signal);
  }

  /**
   * The bound of a read-your-writes wait across contexts (docs/reactors.md): aborts after
   * LEDGERDESK_REACTION_WAIT_MS (default 5000; read per call, so a test may change it).
   */
  reactionWait(): AbortSignal {
    return AbortSignal.timeout(reactionWaitMs());
  }

  get timers(): TimerScheduler {
    if (!this.scheduler) throw new Error('The platform has not started');
    return this.scheduler;
  }

  async onApplicationBootstrap(): Promise<void> {
    const log = this.logger.child({ component: 'projections' });
    this.runner = new ProjectionRunner(this.store, this.readDb, this.projections, {
      onError: (projection, error) => log.error({ projection, err: error }, 'projection batch failed; retrying'),
    });
    await this.runner.start();
    const reactorLog = this.logger.child({ component: 'reactors' });
    this.reactorsRunner = new ReactorRunner(this.store, this.readDb, this.reactors, {
      now: () => this.clock.now(),
      onError: (reactor, error, event) =>
        reactorLog.error({ reactor, event: event ? { id: event.id, type: event.type, stream: event.stream } : null, err: error }, 'reaction failed'),
    });
    await this.reactorsRunner.start();
    const timerLog = this.logger.child({ component: 'timers' });
    this.scheduler = new TimerScheduler(this.readDb, this.clock, this.runner, {
      onError: (timer, error, parked) => timerLog.error({ timer: timer.id, err: error, parked }, parked ? 'timer handler failed; timer parked' : 'timer handler failed; trying again'),
    });
    for (const [kind, handler] of this.timerHandlers) this.scheduler.register(kind, handler);
    await this.scheduler.start();
  }

  /**
   * Read-your-writes: resolves once every read model that handles what was appended includes it (the others
   * have nothing to show for it), or once LEDGERDESK_READ_YOUR_WRITES_WAIT_MS (default 10 s) has passed — what
   * was written is recorded, so a slow read model never turns the mutation's answer into an error (a client
   * retrying it would record it twice): the answer then shows what the read models show. Pass a command's
   * result, or a bare append/position to wait for all.
   */
  async settled(written: Written | readonly Written[]): Promise<void> {
    if (isList(written)) return this.settledAll(written);
    if (!written) return;
    if ('eventTypes' in written) {
      if (written.appended) await this.readYourWrites(written.appended.position, written.eventTypes);
      return;
    }
    await this.readYourWrites('position' in written ? written.position : written);
  }

  private async readYourWrites(position: Position, eventTypes?: readonly string[]): Promise<void> {
    const bound = readYourWritesWaitMs();
    try {
      await this.projectionRunner.waitFor(position, bound, eventTypes);
    } catch (error) {
      if (!(error instanceof ProjectionWaitTimeout)) throw error;
      this.logger.warn({ component: 'projections', position: formatPosition(position), waitedMs: bound }, 'read models did not show a write within LEDGERDESK_READ_YOUR_WRITES_WAIT_MS; answering with what they show');
    }
  }

  /**
   * Several writes of one use case waited for at once: every read model that handles any of them, up to the
   * latest of them — one wait instead of one per append.
   */
  private async settledAll(writes: readonly Written[]): Promise<void> {
    let latest: Position | null = null;
    const types = new Set<string>();
    let everyReadModel = false;
    for (const written of writes) {
      if (!written) continue;
      let position: Position | null;
      if ('eventTypes' in written) {
        position = written.appended?.position ?? null;
        if (position) for (const type of written.eventTypes) types.add(type);
      } else {
        position = 'position' in written ? written.position : written;
        everyReadModel = true;
      }
      if (position && (!latest || comparePositions(position, latest) > 0)) latest = position;
    }
    if (latest) await this.readYourWrites(latest, everyReadModel ? undefined : [...types]);
  }

  /** Waits until the read models include everything readable in the log now. */
  async settleAll(): Promise<void> {
    const head = await this.store.headPosition();
    if (head) await this.projectionRunner.waitFor(head, readYourWritesWaitMs());
  }

  /**
   * Waits until every reactor running in this process has passed the log's head and the read models include
   * what they recorded, again while reactions cause more (a finding's ticket gets routed, then pinned).
   * Resolves false when that took longer than `timeoutMs`. For the manual clock, tests and tools; a use case
   * waits only for the reactions it answers with (see OpenTicketHandler).
   */
  async settleReactions(timeoutMs = 10_000): Promise<boolean> {
    const signal = AbortSignal.timeout(timeoutMs);
    for (;;) {
      const head = await this.store.headPosition();
      if (!head) return true;
      if (this.reactorsRunner?.running) for (const name of this.reactorsRunner.names) await this.reactorsRunner.waitFor(name, head, signal);
      if (signal.aborted) return false;
      await this.projectionRunner.waitFor(head);
      const after = await this.store.headPosition();
      if (after && comparePositions(after, head) === 0) return true;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler?.stop();
    await this.reactorsRunner?.stop();
    await this.runner?.stop();
    await this.infrastructure.close();
  }
}

function isList(written: Written | readonly Written[]): written is readonly Written[] {
  return Array.isArray(written);
}
