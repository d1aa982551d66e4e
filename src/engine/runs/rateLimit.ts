// The one rate limit of run updates (the run store's notifications, which every view of a run reads).

/** Calls `fn` at most once per `intervalMs`, always delivering the latest call (trailing edge). */
export class RateLimiter {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly intervalMs: number,
    private readonly fn: () => void,
    private readonly now: () => number = Date.now,
  ) {}
  request(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) {
      this.last = this.now();
      this.fn();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = this.now();
      this.fn();
    }, wait);
  }
  /** Deliver a pending call now (e.g. when training ends). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = this.now();
    this.fn();
  }
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
