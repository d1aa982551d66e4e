// The threads add their gradients straight into the one shared sum (no gradient buffer per thread:
// bert-base, 440 MB each), in a fixed order so that a seeded run gives the same sum bit for bit:
// for each reported gradient, thread j adds after thread j − 1 has added the same report.
//
// Every thread's backward pass reports the same weights in the same order (same model, same
// shapes). Thread j's k-th report waits until thread j − 1 has made its k-th, and checks that it was
// the same weight; if the sequences ever differ (a share whose rows skip a head, fewer passes),
// thread j waits from then on until thread j − 1 has finished. Thread 0 (the calling thread) never
// waits; a thread that finishes or fails marks itself finished so that the next never blocks for good.
import type { GradientSink } from '../backward';

/** Reports logged per thread and micro-batch; past it, a thread waits for the previous one to finish. */
const MAX_REPORTS = 1 << 16;

export function sumOrderBuffer(threads: number): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * threads * (2 + MAX_REPORTS));
}

export class SumOrder {
  private readonly progress: Int32Array;
  private readonly finished: Int32Array;
  private readonly log: Int32Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly threads: number,
  ) {
    this.progress = new Int32Array(buffer, 0, threads);
    this.finished = new Int32Array(buffer, 4 * threads, threads);
    this.log = new Int32Array(buffer, 8 * threads, threads * MAX_REPORTS);
  }

  /** Before a micro-batch's jobs are sent (the calling thread): nobody has reported yet. */
  reset(): void {
    for (let t = 0; t < this.threads; t++) {
      Atomics.store(this.progress, t, 0);
      Atomics.store(this.finished, t, 0);
    }
  }

  /** The sink of thread `self` for one micro-batch: `add(i, g)` runs in turn. */
  sink(self: number, add: GradientSink): GradientSink {
    let k = 0;
    let inStep = true;
    return (i, g) => {
      if (self > 0) inStep = this.waitTurn(self - 1, k, i, inStep);
      add(i, g);
      if (k < MAX_REPORTS) Atomics.store(this.log, self * MAX_REPORTS + k, i);
      k++;
      Atomics.store(this.progress, self, k);
      Atomics.notify(this.progress, self);
    };
  }

  /** Thread `self` is done with the micro-batch (or failed): the next thread need not wait for it. */
  finish(self: number): void {
    Atomics.store(this.finished, self, 1);
    Atomics.notify(this.progress, self);
  }

  /** Waits until `prev` has made report k of weight i, or has finished; false once the sequences differ. */
  private waitTurn(prev: number, k: number, i: number, inStep: boolean): boolean {
    for (;;) {
      const done = Atomics.load(this.finished, prev) === 1;
      const p = Atomics.load(this.progress, prev);
      if (inStep && p > k && k < MAX_REPORTS) {
        if (Atomics.load(this.log, prev * MAX_REPORTS + k) === i) return true;
        inStep = false;
      }
      if (done) return inStep;
      Atomics.wait(this.progress, prev, p, 1000);
    }
  }
}
