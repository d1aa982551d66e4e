// Data parallelism across worker_threads: each micro-batch is cut into row shares, this thread
// computes the first share on its own model while each worker thread (own tfjs WASM instance, own
// copy of the model) computes one of the others; every thread adds its gradients into the one host
// sum, in turn (sumOrder.ts).
// Shares keep the batch's padded length, weigh their losses by their part of the batch's loss
// denominator and draw dropout per example, so the sum equals the whole batch's gradient (to float
// rounding) whatever the number of threads.
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientEngine, MicroBatch } from '../gradientEngine';
import type { BertConfig } from '../../model';
import type { TrainKind } from '../tensors';
import type { LossModel } from '../backward';
import { readWeights, sharedFloats, weightViews, writeWeights } from '../hostTensors';
import { sumAdder, type OptimizerWasm } from '../optimizerMemory';
import { SumOrder, sumOrderBuffer } from './sumOrder';
import { adamwUpdate, clipFromSquares, sumOfSquares, type HostAdamW } from '../hostAdamW';
import { splitBatch } from './shares';
import { shareGradient } from './shareGradient';
import { evalBatch, type EvalBatchOutput, type EvalModel } from '../evaluate';
import type { ModelBatch } from '../tensors';
import { views, type FromThread, type ThreadInit, type ToThread } from './messages';
import { workerScript } from './entry';

export interface ParallelOptions {
  /** The calling thread's model (it computes one share itself). */
  model: LossModel & { task: string; config: BertConfig };
  kind: TrainKind;
  /** Threads in all, this one included (≥ 1). */
  threads: number;
  gradientCheckpointing?: boolean;
  /** false: the caller loads the threads' weights itself (loadParameters) from arrays it already holds. */
  loadWeights?: boolean;
}

/** Seconds spent in each part of the work since the engine started (for profiles and benches). */
export interface ParallelProfile {
  /** This thread's own share (forward + backward + reading its gradients out). */
  ownShare: number;
  /** The slowest worker share of each micro-batch, as the worker measured it. */
  workerShare: number;
  /** Waiting for the workers after this thread's share was done. */
  wait: number;
  /** Adding the shared sum into a caller's sum that is not on shared memory (0 in training). */
  sum: number;
  /** Making every copy of the weights equal the host parameters. */
  upload: number;
  /** Clipping norm and AdamW, shared among the threads. */
  optimizer: number;
  microBatches: number;
}

class Thread {
  private waiting: Array<{ resolve: (m: FromThread) => void; reject: (e: Error) => void }> = [];
  /** Messages that arrived before anyone asked for them (a thread may be ready before it is awaited). */
  private inbox: FromThread[] = [];
  private failure?: Error;
  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromThread) => {
      if (m.type === 'error') return this.fail(new Error(`training thread failed: ${m.message}`));
      const w = this.waiting.shift();
      if (w) w.resolve(m);
      else this.inbox.push(m);
    });
    worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => this.fail(new Error(`training thread exited (code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  /** The thread's next message (messages answer requests in order). */
  next(): Promise<FromThread> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async request(m: ToThread): Promise<FromThread> {
    const reply = this.next();
    this.worker.ref();
    this.worker.postMessage(m);
    try {
      return await reply;
    } finally {
      // An idle thread must not keep the process alive if the caller forgets dispose().
      this.worker.unref();
    }
  }
}

export class ParallelGradientEngine implements GradientEngine {
  readonly profile: ParallelProfile = {
    ownShare: 0,
    workerShare: 0,
    wait: 0,
    sum: 0,
    upload: 0,
    optimizer: 0,
    microBatches: 0,
  };
  private nextId = 0;
  /** The optimizer whose arrays the threads hold. */
  private sharedOptimizer?: HostAdamW;
  /** A shared sum for callers whose own is not on shared memory (workers add into it directly). */
  private staging?: Float32Array[];

  private constructor(
    private readonly opts: ParallelOptions,
    private readonly threads: Thread[],
    private readonly params: Float32Array[],
    private readonly order: SumOrder,
  ) {}

  /** Starts threads − 1 worker threads and loads the model's current weights into them. */
  static async create(opts: ParallelOptions): Promise<ParallelGradientEngine> {
    const { model } = opts;
    const sizes = model.variables.map((v) => v.variable.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const paramBuffer = new SharedArrayBuffer(total * 4);
    const order = sumOrderBuffer(opts.threads);
    const script = workerScript();
    const threads: Thread[] = [];
    try {
      for (let i = 1; i < opts.threads; i++) {
        const init: ThreadInit = {
          task: model.task,
          config: model.config,
          backend: tf.getBackend(),
          sizes,
          params: paramBuffer,
          index: i,
          threads: opts.threads,
          order,
        };
        threads.push(new Thread(new Worker(script.code, { eval: script.eval, workerData: init })));
      }
      for (const t of threads) {
        const m = await t.next();
        if (m.type !== 'ready') throw new Error(`training thread sent ${m.type} before ready`);
        if (m.backend !== tf.getBackend())
          throw new Error(`training thread runs ${m.backend}, this thread ${tf.getBackend()}`);
        t.worker.unref();
      }
    } catch (e) {
      await Promise.all(threads.map((t) => t.worker.terminate()));
      throw e;
    }
    const engine = new ParallelGradientEngine(
      opts,
      threads,
      views(paramBuffer, sizes),
      new SumOrder(order, opts.threads),
    );
    if (threads.length && opts.loadWeights !== false) await engine.loadParameters(readWeights(model.variables), false);
    return engine;
  }

  get threadCount(): number {
    return this.threads.length + 1;
  }

  async accumulate(batch: MicroBatch, into: Float32Array[], intoLayout?: OptimizerWasm): Promise<number> {
    const shared = into.every((a) => a.buffer instanceof SharedArrayBuffer);
    if (!shared) {
      this.staging ??= into.map((a) => sharedFloats(a.length));
      for (const s of this.staging) s.fill(0);
    }
    const sum = shared ? into : this.staging!;
    const layout = shared ? intoLayout : undefined;
    const shares = splitBatch(batch.host, this.opts.kind, this.threadCount);
    const job = (i: number) => ({
      share: shares[i],
      kind: this.opts.kind,
      scale: batch.scale,
      dropoutSeed: batch.dropoutSeed,
      gradientCheckpointing: !!this.opts.gradientCheckpointing,
      rowsPerPass: batch.rowsPerPass,
    });
    // Every thread adds into the one sum, in turn (sumOrder.ts); this thread goes first.
    this.order.reset();
    const replies = shares
      .slice(1)
      .map((_, i) => this.threads[i].request({ type: 'grad', id: this.nextId++, ...job(i + 1), into: sum, layout }));
    // Collect failures now so that one thread's error does not go unhandled while this one computes.
    const settled = Promise.allSettled(replies);
    const t0 = performance.now();
    let loss: number;
    try {
      loss = shareGradient(this.opts.model, job(0), this.order.sink(0, sumAdder(sum, layout, 0)));
    } finally {
      this.order.finish(0);
    }
    const t1 = performance.now();
    const results = await settled;
    const t2 = performance.now();
    let slowest = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.status === 'rejected') throw r.reason;
      const m = r.value;
      if (m.type !== 'grad-done') throw new Error(`training thread answered ${m.type} to a gradient job`);
      loss += m.loss;
      slowest = Math.max(slowest, m.seconds);
    }
    if (!shared) into.forEach((a, i) => addAll(a, this.staging![i]));
    const p = this.profile;
    p.ownShare += (t1 - t0) / 1000;
    p.workerShare += slowest;
    p.wait += (t2 - t1) / 1000;
    p.sum += (performance.now() - t2) / 1000;
    p.microBatches++;
    return loss;
  }

  async loadParameters(params: Float32Array[], own = true): Promise<void> {
    const t0 = performance.now();
    if (this.threads.length) {
      // Arrays on shared memory (the host optimizer's) reach the threads without a copy.
      const shared = params.every((p) => p.buffer instanceof SharedArrayBuffer);
      if (!shared) this.params.forEach((dst, i) => dst.set(params[i]));
      const loaded = Promise.all(
        this.threads.map((t) => t.request({ type: 'params', arrays: shared ? params : undefined })),
      );
      // This thread's copy loads while the workers load theirs.
      if (own) writeWeights(this.opts.model.variables, params);
      for (const m of await loaded)
        if (m.type !== 'params-loaded') throw new Error(`training thread answered ${m.type} to new weights`);
    } else if (own) writeWeights(this.opts.model.variables, params);
    this.profile.upload += (performance.now() - t0) / 1000;
  }

  /**
   * Σ g², then AdamW, each thread taking an equal run of the values and reading the old weights from
   * its own heap (all copies are equal); the new weights replace the gradient sums (hostAdamW.ts).
   */
  async optimizerStep(opt: HostAdamW, lr: number, maxGradNorm: number): Promise<number> {
    const t0 = performance.now();
    if (this.sharedOptimizer !== opt) {
      const arrays = opt.state;
      if (![...arrays.grads, ...arrays.m, ...arrays.v].every((a) => a.buffer instanceof SharedArrayBuffer))
        throw new Error('the optimizer state must be on shared memory to be updated by several threads');
      for (const m of await Promise.all(this.threads.map((t) => t.request({ type: 'optimizer', arrays }))))
        if (m.type !== 'optimizer-ready') throw new Error(`training thread answered ${m.type} to the optimizer state`);
      this.sharedOptimizer = opt;
    }
    const n = opt.size;
    const span = (i: number) => ({
      from: Math.floor((n * i) / this.threadCount),
      to: Math.floor((n * (i + 1)) / this.threadCount),
    });
    const squares = this.threads.map((t, i) => t.request({ type: 'sum-squares', ...span(i + 1) }));
    let sq = sumOfSquares(opt.grads, span(0).from, span(0).to);
    for (const m of await Promise.all(squares)) {
      if (m.type !== 'sum-squares-done') throw new Error(`training thread answered ${m.type} to a norm`);
      sq += m.sq;
    }
    const { norm, scale } = clipFromSquares(sq, maxGradNorm);
    const update = opt.nextUpdate(lr, scale);
    const updated = this.threads.map((t, i) => t.request({ type: 'adamw', update, ...span(i + 1) }));
    adamwUpdate(update, opt.arrays(weightViews(this.opts.model.variables)), span(0).from, span(0).to, 0);
    for (const m of await Promise.all(updated))
      if (m.type !== 'adamw-done') throw new Error(`training thread answered ${m.type} to an update`);
    this.profile.optimizer += (performance.now() - t0) / 1000;
    return norm;
  }

  /**
   * Evaluation batches shared among the threads (batch j on thread j mod threads), with the weights
   * last loaded; outputs in batch order.
   */
  async evaluateBatches(hosts: ModelBatch['host'][], kind: TrainKind): Promise<EvalBatchOutput[]> {
    const T = this.threadCount;
    const mine = (i: number) => hosts.map((h, j) => ({ h, j })).filter(({ j }) => j % T === i);
    const replies = this.threads.map((t, i) => t.request({ type: 'eval', hosts: mine(i + 1).map((x) => x.h), kind }));
    const settled = Promise.allSettled(replies);
    const outputs: EvalBatchOutput[] = new Array(hosts.length);
    for (const { h, j } of mine(0)) outputs[j] = await evalBatch(this.opts.model as unknown as EvalModel, h, kind);
    const results = await settled;
    results.forEach((r, i) => {
      if (r.status === 'rejected') throw r.reason;
      if (r.value.type !== 'eval-done') throw new Error(`training thread answered ${r.value.type} to an evaluation`);
      const outs = r.value.outputs;
      mine(i + 1).forEach(({ j }, k) => (outputs[j] = outs[k]));
    });
    return outputs;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/** into += part, elementwise. */
function addAll(into: Float32Array, part: Float32Array): void {
  for (let j = 0; j < into.length; j++) into[j] += part[j];
}
