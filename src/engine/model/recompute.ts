// Gradient checkpointing (HF `gradient_checkpointing`): a layer whose forward pass keeps only its
// input. The backward pass runs the layer again, under a tape of its own, and differentiates that
// run: the layer's activations exist for one layer at a time instead of for the whole stack.
import * as tf from '@tensorflow/tfjs-core';
import { withGrad } from './ops';
import { activeTaps } from './paramReader';

/**
 * layer(x), keeping only x (and `keep`, other tensors the layer reads) for the backward pass.
 * `rewind` runs before the recomputation so that it draws the same dropout masks as the first run.
 * The layer's weight gradients leave through the trainer's parameter taps, which must be active;
 * without them (a plain tf.variableGrads) the layer runs normally, its activations kept.
 */
export function recomputedInBackward(
  layer: (x: tf.Tensor2D, kept: tf.Tensor[]) => tf.Tensor2D,
  x: tf.Tensor2D,
  keep: tf.Tensor[],
  rewind: () => void,
): tf.Tensor2D {
  const taps = activeTaps();
  if (!taps) return layer(x, keep);
  const out = withGrad([x], ([xIn], save) => {
    // Ops inside a custom gradient's forward function are not taped: nothing of the layer is kept.
    save([xIn, ...keep]);
    return {
      value: layer(xIn as tf.Tensor2D, keep),
      gradFunc: (dy, [xs, ...kept]) => {
        rewind();
        // With respect to the anchor too, so that the taps inside the layer pass on its weight gradients.
        const { grads } = underOwnTape(() =>
          tf.valueAndGrads((h: tf.Tensor) => layer(h as tf.Tensor2D, kept))([xs, taps.anchor], dy as tf.Tensor2D),
        );
        return grads[0];
      },
    };
  });
  return out as tf.Tensor2D;
}

/**
 * Runs a tf.grads call from inside a gradient function. tfjs starts a new tape there (the outer
 * backward pass has already ended its tape) and drops the outer tape when it finishes, whose saved
 * tensors are then never freed: put the outer one back (tfjs-core 4.22 engine.gradients).
 */
function underOwnTape<T>(f: () => T): T {
  const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
  const outer = state.activeTape;
  try {
    return f();
  } finally {
    state.activeTape = outer;
  }
}
