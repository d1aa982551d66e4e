// Scaled dot-product attention over all heads, written so that every matrix product is a plain 2-D
// [M, K]·[K, N] matmul. Why: the WASM backend runs only those through XNNPACK; batched (rank > 2 with
// batch > 1) or transposed matmuls fall back to a scalar loop about 10× slower (tfjs-backend-wasm
// batch_mat_mul_impl.cc). So each (sequence, head) pair gets its own small matmuls, all of one kind
// in one blockMatMul call (blocks cut out, transposed where needed, products laid out in place), and
// softmax/mask/dropout run once over all heads. The backward pass is written out by hand for the
// same reason (tfjs's matMul gradient uses transposed matmuls).
import * as tf from '@tensorflow/tfjs-core';
import { withGrad } from './ops';
import { blockMatMul, type BlockProduct, type BlockRef } from '../backend/blockMatMul';

export interface AttentionGeometry {
  B: number;
  T: number;
  heads: number;
  headSize: number;
}

/**
 * qkv [B·T, 3H] (query already scaled by 1/√D) → context [B·T, H].
 * maskBias [B, 1, T] is added to the scores; dropMask (optional) [B·A·T, T] multiplies the
 * probabilities (already scaled by 1/(1−p)).
 */
export function multiHeadAttention(
  qkv: tf.Tensor2D,
  maskBias: tf.Tensor,
  dropMask: tf.Tensor | null,
  g: AttentionGeometry,
): tf.Tensor2D {
  const { B, T, heads: A, headSize: D } = g;
  const H = A * D;
  // Blocks of head a of sequence b. Source matrices are given by index into blockMatMul's list.
  const cols = (src: number, offset: number, b: number, a: number): BlockRef => ({
    src,
    row: b * T,
    col: offset + a * D,
    rows: T,
    cols: D,
  }); // [T, D] of [B·T, ·]
  const colsT = (src: number, offset: number, b: number, a: number): BlockRef => ({
    ...cols(src, offset, b, a),
    transpose: true,
  }); // [D, T]
  const square = (src: number, b: number, a: number): BlockRef => ({
    src,
    row: (b * A + a) * T,
    col: 0,
    rows: T,
    cols: T,
  }); // [T, T] of [B·A·T, T]
  const squareT = (src: number, b: number, a: number): BlockRef => ({ ...square(src, b, a), transpose: true });
  // One product per (b, a), stacked as [B·A·T, ·] (b-major), or laid out per sequence as [B·T, A·(·)].
  const stacked = (f: (b: number, a: number) => BlockProduct): BlockProduct[][] => {
    const out: BlockProduct[][] = [];
    for (let b = 0; b < B; b++) for (let a = 0; a < A; a++) out.push([f(b, a)]);
    return out;
  };
  const perSequence = (...fs: Array<(b: number, a: number) => BlockProduct>): BlockProduct[][] => {
    const out: BlockProduct[][] = [];
    for (let b = 0; b < B; b++) out.push(fs.flatMap((f) => Array.from({ length: A }, (_, a) => f(b, a))));
    return out;
  };

  return withGrad([qkv], ([x], save) => {
    const qkv2 = x as tf.Tensor2D;
    // Q·Kᵀ → [B·A·T, T]
    const scores = blockMatMul(
      [qkv2],
      stacked((b, a) => ({ a: cols(0, 0, b, a), b: colsT(0, H, b, a) })),
    );
    const probs = tf.reshape(tf.softmax(tf.add(tf.reshape(scores, [B, A * T, T]), maskBias)), [
      B * A * T,
      T,
    ]) as tf.Tensor2D;
    const dropped = (dropMask ? tf.mul(probs, dropMask) : probs) as tf.Tensor2D;
    // P·V → [B·T, H]
    const ctx = blockMatMul(
      [dropped, qkv2],
      perSequence((b, a) => ({ a: square(0, b, a), b: cols(1, 2 * H, b, a) })),
    );
    // `dropped` is not saved (recomputed below): attention-sized tensors dominate the activations.
    save(dropMask ? [qkv2, probs, dropMask] : [qkv2, probs]);
    return {
      value: ctx,
      gradFunc: (dy, saved) => {
        const [sQkv, sProbs, sMask] = saved as tf.Tensor2D[];
        const sDropped = (sMask ? tf.mul(sProbs, sMask) : sProbs) as tf.Tensor2D;
        const dC = dy as tf.Tensor2D; // [B·T, H]; block (b, a) is dC of head a
        // dDropped = dC · Vᵀ → [B·A·T, T]
        const dDropped = blockMatMul(
          [dC, sQkv],
          stacked((b, a) => ({ a: cols(0, 0, b, a), b: colsT(1, 2 * H, b, a) })),
        );
        const dProbs = sMask ? tf.mul(dDropped, sMask) : dDropped;
        // softmax backward: dS = P ⊙ (dP − Σ_j dP·P)
        const dScores = tf.mul(sProbs, tf.sub(dProbs, tf.sum(tf.mul(dProbs, sProbs), -1, true))) as tf.Tensor2D;
        // [dQ | dK | dV] per sequence: dQ = dS · K ; dK = dSᵀ · Q ; dV = droppedᵀ · dC
        return blockMatMul(
          [dScores, sQkv, sDropped, dC],
          perSequence(
            (b, a) => ({ a: square(0, b, a), b: cols(1, H, b, a) }),
            (b, a) => ({ a: squareT(0, b, a), b: cols(1, 0, b, a) }),
            (b, a) => ({ a: squareT(2, b, a), b: cols(3, 0, b, a) }),
          ),
        );
      },
    };
  }) as tf.Tensor2D;
}
