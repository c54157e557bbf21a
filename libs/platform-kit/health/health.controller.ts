import { Controller, Get, HttpCode, HttpException, Inject } from '@nestjs/common';
import { Public } from '../auth/roles.decorator.js';
import { PlatformRuntime } from '../runtime.js';

/** Liveness (the process answers) and readiness (the event store and read-model database answer). */
@Controller('health')
export class HealthController {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  @Public()
  @Get()
  @HttpCode(200)
  async health(): Promise<{ status: 'ok'; store: string; checks: Record<string, 'up'> }> {
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
