// Weights as tf.Variables named by their Hugging Face tensor names, registered in a fixed order.
import * as tf from '@tensorflow/tfjs-core';
import { linear } from './ops';
import { param } from './paramReader';

export interface NamedVariable {
  /** HF tensor name, e.g. `bert.encoder.layer.0.attention.self.query.weight`. */
  name: string;
  variable: tf.Variable;
  /**
   * 'linear': a tfjs [in, out] kernel stored by PyTorch as [out, in] (transposed by checkpoint I/O).
   * 'plain': same layout in both.
   */
  layout: 'linear' | 'plain';
}

export type Init = 'normal' | 'zeros' | 'ones';

let storeCounter = 0;

/** Creates and owns variables. tfjs variable names are global, so each store adds a unique prefix. */
export class ParamStore {
  readonly list: NamedVariable[] = [];
  private readonly uid = `bertnb${storeCounter++}`;
  private index = 0;

  constructor(
    private readonly std: number,
    private readonly seed: number,
  ) {}

  add(name: string, shape: number[], init: Init, layout: 'linear' | 'plain' = 'plain'): tf.Variable {
    const seed = this.seed * 7919 + this.index++;
    const value = tf.tidy(() =>
      init === 'normal'
        ? tf.randomNormal(shape, 0, this.std, 'float32', seed)
        : init === 'ones'
          ? tf.ones(shape)
          : tf.zeros(shape),
    );
    const variable = tf.variable(value, true, `${this.uid}/${name}`);
    value.dispose();
    this.list.push({ name, variable, layout });
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.list.find((p) => p.name === name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v.variable;
  }
}

/** A PyTorch nn.Linear: weight (tfjs [in, out]) and bias. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(store: ParamStore, prefix: string, inFeatures: number, outFeatures: number) {
    this.weight = store.add(`${prefix}.weight`, [inFeatures, outFeatures], 'normal', 'linear');
    this.bias = store.add(`${prefix}.bias`, [outFeatures], 'zeros');
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return linear(x, param<tf.Tensor2D>(this.weight), param<tf.Tensor1D>(this.bias));
  }
}

export class LayerNorm {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    store: ParamStore,
    prefix: string,
    size: number,
    readonly eps: number,
  ) {
    this.weight = store.add(`${prefix}.weight`, [size], 'ones');
    this.bias = store.add(`${prefix}.bias`, [size], 'zeros');
  }
}
