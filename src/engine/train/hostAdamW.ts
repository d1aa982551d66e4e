// AdamW and gradient clipping over gradients and moments held outside the 4 GiB tfjs WASM heap, in
// shared memory (optimizerMemory.ts: WebAssembly memories of their own, so that the update runs as a
// SIMD loop, else plain shared arrays): the formulas of torch.optim.AdamW and
// torch.nn.utils.clip_grad_norm_, as adamw.ts applies them to tensors on GPU backends.
//
// There is no host master copy of the weights: every training thread's heap already holds one, and
// those copies are equal bit for bit. An update reads the old weights from the calling thread's
// heap and writes the new ones over the gradient sums it has just consumed; the loop then loads them
// into every copy and zeroes the sums (bert-base: 440 MB less than a separate master copy).
import { defaultNoDecay, type AdamWOptions, type AdamWState } from './adamw';
import { adamwKernel, allocateOptimizer, CHUNK, MAX_THREADS, type OptimizerWasm } from './optimizerMemory';

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
  /**
   * The summed gradient of the current update, one array per weight; the engine adds into it. After
   * apply() it holds the updated weights instead, until the loop has loaded them and zeroed it.
   */
  readonly grads: Float32Array[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  /** Where the arrays lie in shared WebAssembly memories, when the SIMD update runs here. */
  private wasm?: OptimizerWasm;
  private readonly decay: boolean[];

  constructor(
    readonly params: ReadonlyArray<HostParam>,
    opts: Omit<AdamWOptions, 'lr'>,
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    const noDecay = opts.noDecay ?? defaultNoDecay;
    this.decay = params.map((p) => !noDecay(p.name));
    const sizes = params.map((p) => p.shape.reduce((a, b) => a * b, 1));
    ({ grads: this.grads, m: this.m, v: this.v, wasm: this.wasm } = allocateOptimizer(sizes));
  }

  get size(): number {
    return this.grads.reduce((n, g) => n + g.length, 0);
  }

  /** Lets go of every array (gradients, moments): the optimizer is unusable afterwards. */
  release(): void {
    for (const list of [this.grads, this.m, this.v]) list.length = 0;
    // The memories too: the views above were not all that held them.
    this.wasm = undefined;
  }

  zeroGrads(): void {
    for (const g of this.grads) g.fill(0);
  }

  /** torch clip_grad_norm_: the gradients' global L2 norm and the factor min(1, maxNorm / (norm + 1e-6)) (1 when maxNorm ≤ 0). */
  clipFactor(maxNorm: number): { norm: number; scale: number } {
    return clipFromSquares(sumOfSquares(this.grads, 0, this.size), maxNorm);
  }

  /**
   * One AdamW update with the summed gradients times `gradScale` (clipping), from the current
   * `weights` (read only: views of a heap's copy); the new weights replace the sums in `grads`.
   */
  apply(lr: number, gradScale: number, weights: Float32Array[]): void {
    adamwUpdate(this.nextUpdate(lr, gradScale), this.arrays(weights), 0, this.size, 0);
  }

  /**
   * Counts one more update and returns its coefficients, for callers that apply it in parts
   * (threads that each update some of the weights with adamwUpdate).
   */
  nextUpdate(lr: number, gradScale = 1): AdamWUpdate {
    this.step += 1;
    const t = this.step;
    return {
      gradScale,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      bc2sqrt: Math.sqrt(1 - Math.pow(this.beta2, t)),
      stepSize: lr / (1 - Math.pow(this.beta1, t)),
      keep: this.decay.map((d) => (d && this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1)),
    };
  }

  /** The live arrays, with `weights` the current weights this thread reads (threads that share the update pass their own). */
  arrays(weights: Float32Array[]): AdamWArrays {
    return { ...this.state, weights };
  }

  /** The arrays the optimizer owns (all on shared memory), for threads that share the update. */
  get state(): OptimizerArrays {
    return { grads: this.grads, m: this.m, v: this.v, wasm: this.wasm };
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
        throw new Error(
          `optimizer state for '${p.name}' has ${a.data.length} values, the model has ${this.m[i].length}`,
        );
    });
    this.params.forEach((p, i) => {
      this.m[i].set(state.tensors[`exp_avg.${p.name}`].data);
      this.v[i].set(state.tensors[`exp_avg_sq.${p.name}`].data);
    });
    this.step = state.step;
  }
}

/** The coefficients of one AdamW update (see HostAdamW.nextUpdate). */
export interface AdamWUpdate {
  gradScale: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** sqrt(1 − beta2^t) */
  bc2sqrt: number;
  /** lr / (1 − beta1^t) */
  stepSize: number;
  /** Per weight: 1 − lr·weight_decay (decoupled decay), or 1 where decay does not apply. */
  keep: number[];
}

export interface OptimizerArrays {
  /** In: the gradient sums. Out (after an update): the new weights. */
  grads: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  /** Their place in shared WebAssembly memories, when the SIMD update runs (optimizerMemory.ts). */
  wasm?: OptimizerWasm;
}

export interface AdamWArrays extends OptimizerArrays {
  /** The weights before the update (read only). */
  weights: Float32Array[];
}

/**
 * Calls f(k, lo, hi) for the part [lo, hi) of weight k that lies in [from, to) of all weights'
 * values laid end to end (model order): threads split the optimizer's work by values, not by
 * weights (one embedding matrix can be most of a model).
 */
function forSpan(
  sizes: ArrayLike<{ length: number }>,
  from: number,
  to: number,
  f: (k: number, lo: number, hi: number) => void,
): void {
  let base = 0;
  for (let k = 0; k < sizes.length && base < to; k++) {
    const n = sizes[k].length;
    const lo = Math.max(from - base, 0),
      hi = Math.min(to - base, n);
    if (lo < hi) f(k, lo, hi);
    base += n;
  }
}

/**
 * Applies update `u` to values [from, to) of all weights laid end to end: the new weights go over the
 * gradient sums. `thread` (0 = the calling thread) picks the thread's scratch row for the SIMD loop.
 */
export function adamwUpdate(u: AdamWUpdate, a: AdamWArrays, from: number, to: number, thread: number): void {
  const simd = a.wasm && thread < MAX_THREADS ? a.wasm : undefined;
  forSpan(a.grads, from, to, (k, lo, hi) => {
    if (a.weights[k].length !== a.grads[k].length)
      throw new Error(`weight ${k} has ${a.weights[k].length} values, its gradient ${a.grads[k].length}`);
    if (simd) adamwSimd(u, a, simd, k, lo, hi, thread);
    else adamwRun(a.weights[k], a.grads[k], a.m[k], a.v[k], lo, hi, u.keep[k], u);
  });
}

/**
 * adamwRun's update of weight k over [lo, hi) by the SIMD loop, CHUNK values at a time: the old
 * weights (in this thread's heap, another memory) are first copied into the thread's scratch row of
 * the optimizer's memory; values short of a multiple of 4 go through adamwRun.
 */
function adamwSimd(
  u: AdamWUpdate,
  a: AdamWArrays,
  simd: OptimizerWasm,
  k: number,
  lo: number,
  hi: number,
  thread: number,
) {
  const at = simd.at[k];
  const memory = simd.memories[at.mem];
  const run = adamwKernel(memory);
  const row = simd.scratch + thread * CHUNK * 4;
  const scratch = new Float32Array(memory.buffer, row, CHUNK);
  const p = a.weights[k];
  const { gradScale, beta1, beta2, eps, bc2sqrt, stepSize } = u;
  for (let c = lo; c < hi; c += CHUNK) {
    const n4 = Math.min(CHUNK, hi - c) & ~3;
    scratch.set(p.subarray(c, c + n4));
    run(
      row,
      at.g + 4 * c,
      at.m + 4 * c,
      at.v + 4 * c,
      row + 4 * n4,
      gradScale,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      eps,
      bc2sqrt,
      stepSize,
      u.keep[k],
    );
    if (c + n4 < Math.min(c + CHUNK, hi))
      adamwRun(p, a.grads[k], a.m[k], a.v[k], c + n4, Math.min(c + CHUNK, hi), u.keep[k], u);
  }
}

/**
 * torch: p *= 1 − lr·wd (decoupled), then p −= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps), over
 * [lo, hi), with p read from `p` and the result written over the gradient g[i] once it is read. One
 * monomorphic function over plain locals: V8 keeps it a tight loop (the same loop in a closure ran
 * about 1.6× slower, measured by mem on 11M parameters).
 */
function adamwRun(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lo: number,
  hi: number,
  keep: number,
  u: AdamWUpdate,
): void {
  const { gradScale, beta1, beta2, eps, bc2sqrt, stepSize } = u;
  const a1 = 1 - beta1,
    a2 = 1 - beta2;
  for (let i = lo; i < hi; i++) {
    const gi = g[i] * gradScale;
    const mi = beta1 * m[i] + a1 * gi;
    const vi = beta2 * v[i] + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    g[i] = p[i] * keep - (stepSize * mi) / (Math.sqrt(vi) / bc2sqrt + eps);
  }
}

/** Σ g² over values [from, to) of all gradient sums laid end to end, in float64 (torch clip_grad_norm_'s norm, squared). */
export function sumOfSquares(grads: Float32Array[], from: number, to: number): number {
  let sq = 0;
  forSpan(grads, from, to, (k, lo, hi) => (sq += squares(grads[k], lo, hi)));
  return sq;
}

function squares(g: Float32Array, lo: number, hi: number): number {
  let sq = 0;
  for (let i = lo; i < hi; i++) sq += g[i] * g[i];
  return sq;
}

/** The global norm from Σ g² and torch's clip factor min(1, maxNorm / (norm + 1e-6)) (1 when maxNorm ≤ 0). */
export function clipFromSquares(sq: number, maxNorm: number): { norm: number; scale: number } {
  const norm = Math.fround(Math.sqrt(sq));
  return { norm, scale: maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1 };
}
