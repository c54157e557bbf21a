/** The only source of "now" outside tests' control: handlers put it into commands; domain code never reads it. */
export interface Clock {
  readonly kind: 'system' | 'manual';
  now(): Date;
}

export class SystemClock implements Clock {
  readonly kind = 'system' as const;
  now(): Date {
    return new Date();
  }
}

export class ClockMovedBackwards extends Error {
  override readonly name = 'ClockMovedBackwards';
}

/** Time that moves only when told to: tests, demos and what-if runs. */
export class ManualClock implements Clock {
  readonly kind = 'manual' as const;
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Start-up only: continue from the instant a previous run reached (see resumeManualClock). */
  resume(at: Date): void {
    this.current = at.getTime();
  }

  set(to: Date): void {
    if (to.getTime() < this.current) {
      throw new ClockMovedBackwards(`The clock is at ${this.now().toISOString()}; it cannot move back to ${to.toISOString()}`);
    }
    this.current = to.getTime();
  }
}
