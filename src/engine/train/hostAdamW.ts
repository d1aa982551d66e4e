// AdamW and gradient clipping over weights, gradients and moments held in JS memory (shared
// Float32Arrays), outside the 4 GiB WASM heap: the formulas of torch.optim.AdamW and
// torch.nn.utils.clip_grad_norm_, as adamw.ts applies them to tensors on GPU backends.
import { defaultNoDecay, type AdamWOptions, type AdamWState } from './adamw';
import { sharedFloats } from './hostTensors';

export interface HostParam {
  name: string;
  shape: number[];
}

export class HostAdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of updates applied (torch's state['step']). */
  step = 0;
  /** The summed gradient of the current update, one array per weight; the engine adds into it. */
  readonly grads: Float32Array[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly decay: boolean[];

  constructor(
    readonly params: ReadonlyArray<HostParam>,
    /** Master copies of the weights, updated in place. */
    readonly weights: Float32Array[],
    opts: Omit<AdamWOptions, 'lr'>,
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    const noDecay = opts.noDecay ?? defaultNoDecay;
    this.decay = params.map((p) => !noDecay(p.name));
    this.grads = weights.map((w) => sharedFloats(w.length));
    this.m = weights.map((w) => sharedFloats(w.length));
    this.v = weights.map((w) => sharedFloats(w.length));
  }

  get size(): number {
    return this.weights.reduce((n, w) => n + w.length, 0);
  }

  zeroGrads(): void {
    for (const g of this.grads) g.fill(0);
  }

  /** torch clip_grad_norm_: the gradients' global L2 norm and the factor min(1, maxNorm / (norm + 1e-6)) (1 when maxNorm ≤ 0). */
  clipFactor(maxNorm: number): { norm: number; scale: number } {
    let sq = 0;
    for (const g of this.grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    const norm = Math.fround(Math.sqrt(sq));
    return { norm, scale: maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1 };
  }

  /** One AdamW update with the summed gradients times `gradScale` (clipping). */
  apply(lr: number, gradScale = 1): void {
    this.step += 1;
    const t = this.step;
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps;
    const bc2sqrt = Math.sqrt(1 - Math.pow(b2, t));
    const stepSize = lr / (1 - Math.pow(b1, t));
    this.weights.forEach((p, k) => {
      const g = this.grads[k], m = this.m[k], v = this.v[k];
      // torch: p *= 1 − lr·wd (decoupled), then p −= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps)
      const keep = this.decay[k] && this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] * gradScale;
        const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
        p[i] = p[i] * keep - (stepSize * mi) / (Math.sqrt(vi) / bc2sqrt + eps);
      }
    });
  }

  /** The moments, keyed like torch's state (exp_avg.<name>, exp_avg_sq.<name>); the arrays are live, not copies. */
  getState(): AdamWState {
    const tensors: AdamWState['tensors'] = {};
    this.params.forEach((p, i) => {
      tensors[`exp_avg.${p.name}`] = { shape: p.shape, data: this.m[i] };
      tensors[`exp_avg_sq.${p.name}`] = { shape: p.shape, data: this.v[i] };
    });
    return { step: this.step, tensors };
  }

  setState(state: AdamWState): void {
    this.params.forEach((p, i) => {
      const a = state.tensors[`exp_avg.${p.name}`];
      const b = state.tensors[`exp_avg_sq.${p.name}`];
      if (!a || !b) throw new Error(`optimizer state has no moments for '${p.name}'`);
      if (a.data.length !== this.m[i].length || b.data.length !== this.v[i].length)
        throw new Error(`optimizer state for '${p.name}' has ${a.data.length} values, the model has ${this.m[i].length}`);
    });
    this.params.forEach((p, i) => {
      this.m[i].set(state.tensors[`exp_avg.${p.name}`].data);
      this.v[i].set(state.tensors[`exp_avg_sq.${p.name}`].data);
    });
    this.step = state.step;
  }
}
