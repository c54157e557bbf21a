import { Controller, Get, HttpCode, HttpException, Inject } from '@nestjs/common';
import { Public } from '../auth/roles.decorator.js';
import { PlatformRuntime } from '../runtime.js';

type Readiness = { status: 'ok'; store: string; checks: Record<string, 'up'> };

/**
 * Terminus-style probes: GET /health/live (the process answers: restart it when not), GET /health/ready
 * (the event store and read-model database answer: route traffic to it only then; 503 otherwise).
 * GET /health stays the readiness answer it always was, for the probes already pointed at it.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

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
    if (Object.values(checks).some((state) => state !== 'up')) {
      throw new HttpException({ status: 'unavailable', store: this.runtime.store.kind, checks }, 503);
    }
    return { status: 'ok', store: this.runtime.store.kind, checks: checks as Record<string, 'up'> };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
