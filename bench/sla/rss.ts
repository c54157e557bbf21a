/** Samples resident memory while something runs; the kernel's maxRSS catches what sampling misses. */
export class RssSampler {
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 50) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  }

  /** Peak of the samples, in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak / 1024 / 1024;
  }
}

/** The process's peak resident set so far, in MiB (Linux reports kilobytes). */
export const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
