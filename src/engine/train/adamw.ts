// AdamW as torch.optim.AdamW (decoupled weight decay, bias correction, eps added after the sqrt),
// written by hand because tfjs has none and tfjs Adam keys its moments by gradient-map position.
// This is the on-device version (GPU/native backends); wasm and cpu use hostAdamW.ts, whose state
// lives in JS memory outside the 4 GiB WASM heap.
// Moments are kept per variable: on wasm, slicing a flat vector back into variables (tf.split /
// tf.slice) copies the whole input per slice and cost more than the forward+backward pass, while
// ~15 elementwise ops per variable are a few milliseconds of dispatch.
import * as tf from '@tensorflow/tfjs-core';

export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Names excluded from weight decay; default: biases and LayerNorm weights (as HF Trainer). */
  noDecay?: (name: string) => boolean;
}

export const defaultNoDecay = (name: string): boolean => name.endsWith('bias') || /layer_?norm/i.test(name);

export interface AdamWState {
  step: number;
  /** Per-variable moments, keyed like torch's state: exp_avg.<name>, exp_avg_sq.<name>. */
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of updates applied (torch's state['step']). */
  step = 0;
  readonly size: number;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly decay: boolean[];

  constructor(
    readonly vars: ReadonlyArray<NamedVariable>,
    readonly opts: AdamWOptions,
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    const noDecay = opts.noDecay ?? defaultNoDecay;
    this.size = vars.reduce((a, v) => a + v.variable.size, 0);
    this.decay = vars.map((v) => !noDecay(v.name));
    const zeros = () =>
      vars.map((v) => tf.tidy(() => tf.variable(tf.zeros(v.variable.shape), false, undefined, 'float32')));
    this.m = zeros();
    this.v = zeros();
  }

  /** The gradient map of `tf.variableGrads` as a list in variable order (missing → zeros). */
  gradList(grads: tf.NamedTensorMap): tf.Tensor[] {
    return this.vars.map((v) => {
      const g = grads[v.variable.name] ?? grads[v.name];
      return g ? g : tf.zeros(v.variable.shape);
    });
  }

  /** Applies one update with gradients `grads` (variable order), scaled by `gradScale` (clipping). Does not dispose them. */
  apply(grads: tf.Tensor[], lr: number, gradScale?: tf.Scalar): void {
    if (grads.length !== this.vars.length)
      throw new Error(`AdamW.apply: ${grads.length} gradients for ${this.vars.length} variables`);
    this.step += 1;
    const t = this.step;
    const bc1 = 1 - Math.pow(this.beta1, t);
    const bc2sqrt = Math.sqrt(1 - Math.pow(this.beta2, t));
    const keep = 1 - lr * this.weightDecay;
    // One tidy per variable: in one tidy for all, every variable's ~10 temporaries lived to the end.
    this.vars.forEach((nv, i) =>
      tf.tidy(() => {
        const p = nv.variable;
        const g = gradScale ? tf.mul(grads[i], gradScale) : grads[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        // torch: p *= 1 - lr·wd (decoupled), then p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps)
        const decayed = this.decay[i] && this.weightDecay > 0 ? tf.mul(p, keep) : p;
        const denom = tf.add(tf.div(tf.sqrt(v), bc2sqrt), this.eps);
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)));
      }),
    );
  }

  /** Reads the moments back (asynchronously: WebGPU cannot read synchronously). */
  async getState(): Promise<AdamWState> {
    const tensors: AdamWState['tensors'] = {};
    for (const [i, nv] of this.vars.entries()) {
      tensors[`exp_avg.${nv.name}`] = {
        shape: nv.variable.shape,
        data: Float32Array.from((await this.m[i].data()) as Float32Array),
      };
      tensors[`exp_avg_sq.${nv.name}`] = {
        shape: nv.variable.shape,
        data: Float32Array.from((await this.v[i].data()) as Float32Array),
      };
    }
    return { step: this.step, tensors };
  }

  setState(state: AdamWState): void {
    this.vars.forEach((nv) => {
      const a = state.tensors[`exp_avg.${nv.name}`];
      const b = state.tensors[`exp_avg_sq.${nv.name}`];
      if (!a || !b) throw new Error(`optimizer state has no moments for '${nv.name}'`);
      if (a.data.length !== nv.variable.size || b.data.length !== nv.variable.size)
        throw new Error(
          `optimizer state for '${nv.name}' has ${a.data.length} values, the model has ${nv.variable.size}`,
        );
    });
    tf.tidy(() =>
      this.vars.forEach((nv, i) => {
        this.m[i].assign(tf.tensor(state.tensors[`exp_avg.${nv.name}`].data, nv.variable.shape));
        this.v[i].assign(tf.tensor(state.tensors[`exp_avg_sq.${nv.name}`].data, nv.variable.shape));
      }),
    );
    this.step = state.step;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

/**
 * torch.nn.utils.clip_grad_norm_ over a list of gradients: the total norm (before clipping) and the
 * factor min(1, maxNorm / (norm + 1e-6)) to multiply every gradient by (pass it to AdamW.apply).
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { scale: tf.Scalar; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = maxNorm > 0 ? (tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1) as tf.Scalar) : tf.scalar(1);
    return { scale, norm };
  });
}
