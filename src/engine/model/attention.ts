// Scaled dot-product attention over all heads, written so that every matrix product is a plain 2-D
// [M, K]·[K, N] matmul. Why: the WASM backend runs only those through XNNPACK; batched (rank > 2 with
// batch > 1) or transposed matmuls fall back to a scalar loop about 10× slower (tfjs-backend-wasm
// batch_mat_mul_impl.cc). So each (sequence, head) pair gets its own small matmuls, transposes are
// done once in bulk, and softmax/mask/dropout run once over all heads. The backward pass is written
// out by hand for the same reason (tfjs's matMul gradient uses transposed matmuls).
import * as tf from '@tensorflow/tfjs-core';
import { withGrad } from './ops';

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
export function multiHeadAttention(qkv: tf.Tensor2D, maskBias: tf.Tensor, dropMask: tf.Tensor | null, g: AttentionGeometry): tf.Tensor2D {
  const { B, T, heads: A, headSize: D } = g;
  const H = A * D;
  const blocks = (x: tf.Tensor2D, f: (b: number, a: number) => tf.Tensor2D) => {
    const out: tf.Tensor2D[] = [];
    for (let b = 0; b < B; b++) for (let a = 0; a < A; a++) out.push(f(b, a));
    return out;
  };
  // Rows (b, a, t) stacked: [B·A·T, T] ↔ [B·A, T, T] transposed per block.
  const blockTranspose = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [B * A, T, T]), [0, 2, 1]), [B * A * T, T]);
  const rowBlock = (x: tf.Tensor2D, b: number, a: number) => tf.slice(x, [(b * A + a) * T, 0], [T, T]);

  return withGrad([qkv], ([x], save) => {
    const qkv2 = x as tf.Tensor2D;
    const qkvT = tf.transpose(qkv2) as tf.Tensor2D; // [3H, B·T]
    const q = (b: number, a: number) => tf.slice(qkv2, [b * T, a * D], [T, D]);
    const kT = (b: number, a: number) => tf.slice(qkvT, [H + a * D, b * T], [D, T]);
    const v = (b: number, a: number) => tf.slice(qkv2, [b * T, 2 * H + a * D], [T, D]);
    const scores = tf.concat(blocks(qkv2, (b, a) => tf.matMul(q(b, a), kT(b, a))), 0); // [B·A·T, T]
    const probs = tf.reshape(tf.softmax(tf.add(tf.reshape(scores, [B, A * T, T]), maskBias)), [B * A * T, T]) as tf.Tensor2D;
    const dropped = (dropMask ? tf.mul(probs, dropMask) : probs) as tf.Tensor2D;
    const ctxParts = blocks(qkv2, (b, a) => tf.matMul(rowBlock(dropped, b, a), v(b, a)));
    const ctx = joinHeads(ctxParts, B, A);
    save(dropMask ? [qkv2, qkvT, probs, dropped, dropMask] : [qkv2, qkvT, probs, dropped]);
    return {
      value: ctx,
      gradFunc: (dy, saved) => {
        const [sQkv, sQkvT, sProbs, sDropped, sMask] = saved as tf.Tensor2D[];
        const dCtx = dy as tf.Tensor2D;
        const dc = (b: number, a: number) => tf.slice(dCtx, [b * T, a * D], [T, D]);
        const vT = (b: number, a: number) => tf.slice(sQkvT, [2 * H + a * D, b * T], [D, T]);
        const droppedT = blockTranspose(sDropped) as tf.Tensor2D;
        // dV = dropped^T · dC ; dDropped = dC · V^T
        const dV = blocks(dCtx, (b, a) => tf.matMul(rowBlock(droppedT, b, a), dc(b, a)));
        const dDropped = tf.concat(blocks(dCtx, (b, a) => tf.matMul(dc(b, a), vT(b, a))), 0);
        const dProbs = sMask ? tf.mul(dDropped, sMask) : dDropped;
        // softmax backward: dS = P ⊙ (dP − Σ_j dP·P)
        const dScores = tf.mul(sProbs, tf.sub(dProbs, tf.sum(tf.mul(dProbs, sProbs), -1, true))) as tf.Tensor2D;
        const dScoresT = blockTranspose(dScores) as tf.Tensor2D;
        const k = (b: number, a: number) => tf.slice(sQkv, [b * T, H + a * D], [T, D]);
        const qq = (b: number, a: number) => tf.slice(sQkv, [b * T, a * D], [T, D]);
        // dQ = dS · K ; dK = dS^T · Q
        const dQ = blocks(dCtx, (b, a) => tf.matMul(rowBlock(dScores, b, a), k(b, a)));
        const dK = blocks(dCtx, (b, a) => tf.matMul(rowBlock(dScoresT, b, a), qq(b, a)));
        const rows: tf.Tensor[] = [];
        for (let b = 0; b < B; b++) rows.push(tf.concat([...dQ.slice(b * A, (b + 1) * A), ...dK.slice(b * A, (b + 1) * A), ...dV.slice(b * A, (b + 1) * A)], 1));
        return B === 1 ? rows[0] : tf.concat(rows, 0);
      },
    };
  }) as tf.Tensor2D;
}

/** [B·A blocks of T × D] (b-major) → [B·T, A·D]. */
function joinHeads(parts: tf.Tensor2D[], B: number, A: number): tf.Tensor2D {
  const rows: tf.Tensor[] = [];
  for (let b = 0; b < B; b++) rows.push(A === 1 ? parts[b] : tf.concat(parts.slice(b * A, (b + 1) * A), 1));
  return (B === 1 ? rows[0] : tf.concat(rows, 0)) as tf.Tensor2D;
}
