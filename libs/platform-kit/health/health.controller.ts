import { Controller, Get, HttpCode, HttpException, Inject } from '@nestjs/common';
import { Public } from '../auth/roles.decorator.js';
import type { LedgerdeskConfig } from '../config/config.js';
import { CONFIG, PlatformRuntime } from '../runtime.js';

/** A reactor's lag as readiness details show it: informative, never a reason to be unready. */
type ReactorDetail = { eventsBehind: number; secondsBehind: number; parked: number };
/** What leaves the platform besides webhooks: on or off by configuration (never a reason to be unready). */
type OutboundDetail = { email: string; paging: string };
type Readiness = { status: 'ok'; store: string; checks: Record<string, 'up'>; reactors: Record<string, ReactorDetail> | string; outbound: OutboundDetail };

/**
 * Terminus-style probes: GET /health/live (the process answers: restart it when not), GET /health/ready
 * (the event store and read-model database answer: route traffic to it only then; 503 otherwise).
 * GET /health stays the readiness answer it always was, for the probes already pointed at it.
 * Readiness details name each reactor of the process with its lag and parked count; parked events or lag
 * do not make the process unready (it serves correctly; ADMIN retries them over GraphQL).
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CONFIG) private readonly config: LedgerdeskConfig,
  ) {}

  /** From the outbound context when it runs here (the configuration in force: configureOnCall's read model), else from the environment. */
  private async outbound(): Promise<OutboundDetail> {
    const fromEnv = {
      email: this.config.smtp.url ? 'on' : 'off: LEDGERDESK_SMTP_URL is not set',
      paging: this.config.paging.url ? 'on: LEDGERDESK_PAGING_URL' : 'off: LEDGERDESK_PAGING_URL is not set',
    };
    const detail = this.runtime.readinessDetail('outbound');
    if (!detail) return fromEnv;
    try {
      return (await withTimeout(detail(), 3_000)) as OutboundDetail;
    } catch (error) {
      return { ...fromEnv, paging: `unknown: ${(error as Error).message}` };
    }
  }

  @Public()
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    // Deliberately touches no dependency: a database outage must not get a healthy process restarted.
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @HttpCode(200)
  ready(): Promise<Readiness> {
    return this.readiness();
  }

  @Public()
  @Get()
  @HttpCode(200)
  health(): Promise<Readiness> {
    return this.readiness();
  }

  private async readiness(): Promise<Readiness> {
    const checks: Record<string, 'up' | string> = {};
    const probe = async (name: string, work: () => Promise<unknown>) => {
      try {
        await withTimeout(work(), 3_000);
        checks[name] = 'up';
      } catch (error) {
        checks[name] = `down: ${(error as Error).message}`;
      }
    };
    await probe('eventStore', () => this.runtime.store.ping());
    await probe('readModels', () => this.runtime.readDb.query('SELECT 1'));
    const reactors = await this.reactors();
    const outbound = await this.outbound();
    if (Object.values(checks).some((state) => state !== 'up')) {
      throw new HttpException({ status: 'unavailable', store: this.runtime.store.kind, checks, reactors, outbound }, 503);
    }
    return { status: 'ok', store: this.runtime.store.kind, checks: checks as Record<string, 'up'>, reactors, outbound };
  }

  private async reactors(): Promise<Record<string, ReactorDetail> | string> {
    try {
      const statuses = await withTimeout(this.runtime.reactorRunner.status('this process'), 3_000);
      return Object.fromEntries(
        statuses.map((status) => [status.name, { eventsBehind: status.eventsBehind, secondsBehind: status.secondsBehind, parked: status.parked }]),
      );
    } catch (error) {
      return `unknown: ${(error as Error).message}`;
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
