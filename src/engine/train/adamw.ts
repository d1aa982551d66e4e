// AdamW as torch.optim.AdamW (decoupled weight decay, bias correction, eps added after the sqrt),
// written by hand because tfjs has none and tfjs Adam keys its moments by gradient-map position.
// All parameters are handled as ONE flat vector so an update is a dozen large ops instead of a dozen
// per variable (per-op dispatch dominates small models on wasm).
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
  private readonly sizes: number[];
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly decayMask: tf.Tensor1D;

  constructor(
    readonly vars: ReadonlyArray<NamedVariable>,
    readonly opts: AdamWOptions,
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    const noDecay = opts.noDecay ?? defaultNoDecay;
    this.sizes = vars.map((v) => v.variable.size);
    this.size = this.sizes.reduce((a, b) => a + b, 0);
    const mask = new Float32Array(this.size);
    let off = 0;
    vars.forEach((v, i) => {
      if (!noDecay(v.name)) mask.fill(1, off, off + this.sizes[i]);
      off += this.sizes[i];
    });
    this.decayMask = tf.tensor1d(mask);
    this.m = tf.variable(tf.zeros([this.size]), false, undefined, 'float32');
    this.v = tf.variable(tf.zeros([this.size]), false, undefined, 'float32');
  }

  /** The gradient map of `tf.variableGrads` as one flat vector in variable order (missing → zeros). */
  flatten(grads: tf.NamedTensorMap): tf.Tensor1D {
    return tf.tidy(() =>
      tf.concat(
        this.vars.map((v) => {
          const g = grads[v.variable.name] ?? grads[v.name];
          return g ? tf.reshape(g, [-1]) : tf.zeros([v.variable.size]);
        }),
      ),
    ) as tf.Tensor1D;
  }

  /** Applies one update with flat gradient `g` at learning rate `lr`. Does not dispose `g`. */
  apply(g: tf.Tensor1D, lr: number): void {
    this.step += 1;
    const t = this.step;
    const bc1 = 1 - Math.pow(this.beta1, t);
    const bc2sqrt = Math.sqrt(1 - Math.pow(this.beta2, t));
    tf.tidy(() => {
      const p = tf.concat(this.vars.map((v) => tf.reshape(v.variable, [-1])));
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      // torch: p *= 1 - lr·wd (decoupled), then p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps)
      const decayed = this.weightDecay > 0 ? tf.sub(p, tf.mul(p, tf.mul(this.decayMask, lr * this.weightDecay))) : p;
      const denom = tf.add(tf.div(tf.sqrt(v), bc2sqrt), this.eps);
      const next = tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1));
      this.m.assign(m);
      this.v.assign(v);
      const parts = tf.split(next, this.sizes);
      this.vars.forEach((nv, i) => nv.variable.assign(tf.reshape(parts[i], nv.variable.shape)));
    });
  }

  getState(): AdamWState {
    const m = this.m.dataSync() as Float32Array;
    const v = this.v.dataSync() as Float32Array;
    const tensors: AdamWState['tensors'] = {};
    let off = 0;
    this.vars.forEach((nv, i) => {
      const n = this.sizes[i];
      tensors[`exp_avg.${nv.name}`] = { shape: nv.variable.shape, data: m.slice(off, off + n) };
      tensors[`exp_avg_sq.${nv.name}`] = { shape: nv.variable.shape, data: v.slice(off, off + n) };
      off += n;
    });
    return { step: this.step, tensors };
  }

  setState(state: AdamWState): void {
    const m = new Float32Array(this.size);
    const v = new Float32Array(this.size);
    let off = 0;
    this.vars.forEach((nv, i) => {
      const n = this.sizes[i];
      const a = state.tensors[`exp_avg.${nv.name}`];
      const b = state.tensors[`exp_avg_sq.${nv.name}`];
      if (!a || !b) throw new Error(`optimizer state has no moments for '${nv.name}'`);
      if (a.data.length !== n || b.data.length !== n) throw new Error(`optimizer state for '${nv.name}' has ${a.data.length} values, the model has ${n}`);
      m.set(a.data, off);
      v.set(b.data, off);
      off += n;
    });
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
    this.step = state.step;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decayMask.dispose();
  }
}

/** torch.nn.utils.clip_grad_norm_ on a flat gradient: returns the clipped gradient and the total norm (before clipping). */
export function clipByGlobalNorm(g: tf.Tensor1D, maxNorm: number): { clipped: tf.Tensor1D; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(g))) as tf.Scalar;
    if (!(maxNorm > 0)) return { clipped: tf.clone(g), norm };
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return { clipped: tf.mul(g, coef) as tf.Tensor1D, norm };
  });
}
