// What one optimizer step needs from where the numbers live, behind one interface for the loop:
// - host (wasm, cpu): weights' master copies, the summed gradient and the AdamW moments in JS memory
//   (hostAdamW.ts); a GradientEngine computes each micro-batch's gradient into them;
// - device (webgpu, webgl, native TensorFlow): everything stays on the device as tensors (adamw.ts).
// createTrainStep is the one place that chooses.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, clipByGlobalNorm, type AdamWState } from './adamw';
import { HostAdamW } from './hostAdamW';
import { isHostBackend, weightViews } from './hostTensors';
import { lossAndGradients, type LossModel } from './backward';
import type { GradientEngine, MicroBatch } from './gradientEngine';
import type { EvalBatchRunner } from './evaluate';
import { LocalGradientEngine } from './localEngine';
import { parallelEngine, type ParallelGradientEngine } from './parallel';
import type { TrainKind } from './tensors';
import { rowsPerPass, type ModelShape } from './memoryPlan';

export interface TrainStep {
  /** Number of trained parameters. */
  readonly size: number;
  /** CPU threads computing gradients (1 on device backends). */
  readonly threads: number;
  /** Evaluation on the training threads with the current weights, when there are several. */
  readonly evalRunner?: EvalBatchRunner;
  /** Adds one micro-batch's gradient of scale·loss to the update's sum; resolves to scale·loss. */
  accumulate(batch: MicroBatch): Promise<number>;
  /** Clips the summed gradient (max_grad_norm), applies AdamW at `lr`, updates the model's weights and starts a new sum; resolves to the norm before clipping. */
  update(lr: number): Promise<number>;
  getState(): Promise<AdamWState>;
  setState(state: AdamWState): void;
  dispose(): Promise<void>;
}

export interface TrainStepOptions {
  kind: TrainKind;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  maxGradNorm: number;
  gradientCheckpointing: boolean;
  /** CPU threads for the host backends (data parallelism across worker threads when > 1). */
  threads?: number;
  /** Where the optimizer state lives; default: 'host' on wasm/cpu, else 'device'. */
  place?: 'host' | 'device';
}

export async function createTrainStep(model: LossModel, o: TrainStepOptions): Promise<TrainStep> {
  if ((o.place ?? (isHostBackend() ? 'host' : 'device')) === 'device') return new DeviceTrainStep(model, o);
  const threads = o.threads ?? 1;
  const parallel =
    threads > 1 ? await parallelEngine(model, o.kind, threads, o.gradientCheckpointing, false) : undefined;
  const engine: GradientEngine = parallel ?? new LocalGradientEngine(model, o.kind, o.gradientCheckpointing);
  const step = new HostTrainStep(model, engine, o, parallel?.threadCount ?? 1);
  // This thread's copy of the weights is the model's variables. The other threads' copies load
  // through the gradient sums (zero until the first step), so no temporary host copy of the weights
  // lingers until the garbage collector finds it.
  if (parallel) await step.loadThreads(parallel);
  return step;
}

class HostTrainStep implements TrainStep {
  private readonly opt: HostAdamW;
  /** Rows per pass by batch shape (batches are padded to their longest row, so shapes repeat). */
  private readonly passes = new Map<string, number>();
  constructor(
    private readonly model: LossModel,
    private readonly engine: GradientEngine,
    private readonly o: TrainStepOptions,
    readonly threads: number,
  ) {
    const params = model.variables.map((v) => ({ name: v.name, shape: v.variable.shape }));
    this.opt = new HostAdamW(params, { beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay });
  }
  get size(): number {
    return this.opt.size;
  }
  async loadThreads(parallel: ParallelGradientEngine): Promise<void> {
    weightViews(this.model.variables).forEach((w, i) => this.opt.grads[i].set(w));
    await parallel.loadParameters(this.opt.grads, false);
    this.opt.zeroGrads();
  }
  get evalRunner(): EvalBatchRunner | undefined {
    const e = this.engine;
    return e.evaluateBatches ? (hosts, kind) => e.evaluateBatches!(hosts, kind) : undefined;
  }
  accumulate(batch: MicroBatch): Promise<number> {
    const rowsPerPass = batch.rowsPerPass ?? this.passRows(batch);
    return this.engine.accumulate({ ...batch, rowsPerPass }, this.opt.grads, this.opt.state.wasm);
  }

  /** The memory plan's rows per pass for this batch's shape (undefined for a model without a config). */
  private passRows(batch: MicroBatch): number | undefined {
    const config = (this.model as { config?: ModelShape }).config;
    if (!config || this.threads === 1) return undefined;
    const { batchSize, seqLen } = batch.host.batch;
    const key = `${batchSize}x${seqLen}`;
    let rows = this.passes.get(key);
    if (rows === undefined) {
      rows = rowsPerPass(
        config,
        { kind: this.o.kind, batch: batchSize, seqLen, gradientCheckpointing: this.o.gradientCheckpointing },
        this.threads,
      );
      this.passes.set(key, rows);
    }
    return rows;
  }
  async update(lr: number): Promise<number> {
    let norm: number;
    if (this.engine.optimizerStep) norm = await this.engine.optimizerStep(this.opt, lr, this.o.maxGradNorm);
    else {
      const clip = this.opt.clipFactor(this.o.maxGradNorm);
      this.opt.apply(lr, clip.scale, weightViews(this.model.variables));
      norm = clip.norm;
    }
    // The sums now hold the new weights (hostAdamW.ts): into every copy, then a fresh sum.
    await this.engine.loadParameters(this.opt.grads);
    this.opt.zeroGrads();
    return norm;
  }
  async getState(): Promise<AdamWState> {
    return this.opt.getState();
  }
  setState(state: AdamWState): void {
    this.opt.setState(state);
  }
  dispose(): Promise<void> {
    this.opt.release();
    return this.engine.dispose();
  }
}

class DeviceTrainStep implements TrainStep {
  readonly threads = 1;
  private readonly opt: AdamW;
  private sum: Array<tf.Tensor | undefined>;
  constructor(
    private readonly model: LossModel,
    private readonly o: TrainStepOptions,
  ) {
    this.opt = new AdamW(
      model.variables.map((v) => ({ name: v.name, variable: v.variable })),
      { lr: 0, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay },
    );
    this.sum = model.variables.map(() => undefined);
  }
  get size(): number {
    return this.opt.size;
  }
  async accumulate(batch: MicroBatch): Promise<number> {
    const spec = {
      kind: this.o.kind,
      scale: batch.scale,
      dropoutSeed: batch.dropoutSeed,
      gradientCheckpointing: this.o.gradientCheckpointing,
    };
    const value = lossAndGradients(this.model, batch.host, spec, (i, g) => {
      const prev = this.sum[i];
      this.sum[i] = tf.keep(prev ? tf.add(prev, g) : tf.clone(g));
      prev?.dispose();
    });
    const loss = (await value.data())[0];
    value.dispose();
    return loss;
  }
  async update(lr: number): Promise<number> {
    const grads = this.model.variables.map((v, i) => this.sum[i] ?? tf.zeros(v.variable.shape));
    const { scale, norm } = clipByGlobalNorm(grads, this.o.maxGradNorm);
    this.opt.apply(grads, lr, scale);
    tf.dispose([...grads, scale]);
    this.sum = this.sum.map(() => undefined);
    const n = (await norm.data())[0];
    norm.dispose();
    return n;
  }
  getState(): Promise<AdamWState> {
    return this.opt.getState();
  }
  setState(state: AdamWState): void {
    this.opt.setState(state);
  }
  async dispose(): Promise<void> {
    tf.dispose(this.sum.filter((t): t is tf.Tensor => !!t));
    this.opt.dispose();
  }
}
