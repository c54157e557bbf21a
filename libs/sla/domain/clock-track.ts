import type { SlaMetric } from '#contracts';

/** One clock's history: when it ran, when it was paused, and how it ended. Times are epoch ms. */
export class ClockTrack {
  readonly spans: [number, number][] = [];
  readonly pauses: [number, number][] = [];
  runningSince: number | null;
  pausedSince: number | null;
  end: { at: number; kind: 'stopped' | 'cancelled' } | null = null;

  constructor(
    readonly metric: SlaMetric,
    readonly cycle: number,
    readonly startedAt: number,
    paused: boolean,
  ) {
    this.runningSince = paused ? null : startedAt;
    this.pausedSince = paused ? startedAt : null;
  }

  get active(): boolean {
    return this.end === null;
  }

  pause(at: number): void {
    if (this.runningSince === null || !this.active) return;
    this.spans.push([this.runningSince, at]);
    this.runningSince = null;
    this.pausedSince = at;
  }

  resume(at: number): void {
    if (this.pausedSince === null || !this.active) return;
    this.pauses.push([this.pausedSince, at]);
    this.pausedSince = null;
    this.runningSince = at;
  }

  finish(at: number, kind: 'stopped' | 'cancelled'): void {
    if (!this.active) return;
    if (this.runningSince !== null) this.spans.push([this.runningSince, at]);
    if (this.pausedSince !== null) this.pauses.push([this.pausedSince, at]);
    this.runningSince = null;
    this.pausedSince = null;
    this.end = { at, kind };
  }

  /** RESOLUTION after a reopen: it runs again; the resolved span is in neither spans nor pauses. */
  restart(at: number): void {
    if (this.active || this.end?.kind !== 'stopped') return;
    this.end = null;
    this.runningSince = at;
  }
}
