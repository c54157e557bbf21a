import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppendResult, EventStore, Position, SqlClient } from '#event-store';
import { ProjectionRunner, type Projection } from '#projections';
import type { Clock } from './clock/clock.js';
import type { Logger } from './logging/logger.js';
import { TimerScheduler, type TimerHandler } from './timers/timer-scheduler.js';
import type { Infrastructure } from './infrastructure.js';

export const CONFIG = Symbol('LedgerdeskConfig');
export const CLOCK = Symbol('Clock');
export const LOGGER = Symbol('Logger');
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const EVENT_STORE = Symbol('EventStore');
export const READ_DB = Symbol('ReadDb');

/**
 * The process's moving parts: the projections and timers every context registers while modules initialise,
 * started together once the application has bootstrapped and stopped in order on shutdown.
 */
@Injectable()
export class PlatformRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly projections: Projection[] = [];
  private readonly timerHandlers = new Map<string, TimerHandler>();
  private runner: ProjectionRunner | null = null;
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

  registerTimer(kind: string, handler: TimerHandler): void {
    if (this.scheduler) throw new Error('Timer handlers must be registered before the application starts');
    this.timerHandlers.set(kind, handler);
  }

  get projectionRunner(): ProjectionRunner {
    if (!this.runner) throw new Error('The platform has not started');
    return this.runner;
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
    const timerLog = this.logger.child({ component: 'timers' });
    this.scheduler = new TimerScheduler(this.readDb, this.clock, this.runner, (timer, error) =>
      timerLog.error({ timer: timer.id, err: error }, 'timer handler failed'),
    );
    for (const [kind, handler] of this.timerHandlers) this.scheduler.register(kind, handler);
    await this.scheduler.start();
  }

  /**
   * Read-your-writes: resolves once every read model that handles what was appended includes it (the others
   * have nothing to show for it). Pass a command's result, or a bare append/position to wait for all.
   */
  async settled(written: { appended: AppendResult | null; eventTypes: string[] } | AppendResult | Position | null): Promise<void> {
    if (!written) return;
    if ('eventTypes' in written) {
      if (written.appended) await this.projectionRunner.waitFor(written.appended.position, undefined, written.eventTypes);
      return;
    }
    await this.projectionRunner.waitFor('position' in written ? written.position : written);
  }

  /** Waits until the read models include everything readable in the log now. */
  async settleAll(): Promise<void> {
    const head = await this.store.headPosition();
    if (head) await this.projectionRunner.waitFor(head);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler?.stop();
    await this.runner?.stop();
    await this.infrastructure.close();
  }
}
