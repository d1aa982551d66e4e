// Scaled dot-product attention over all heads, written so that every matrix product is a plain 2-D
// [M, K]·[K, N] matmul. Why: the WASM backend runs only those through XNNPACK; batched (rank > 2 with
// batch > 1) or transposed matmuls fall back to a scalar loop about 10× slower (tfjs-backend-wasm
// batch_mat_mul_impl.cc). So each (sequence, head) pair gets its own small matmuls, transposes are
// done once in bulk, and softmax/mask/dropout run once over all heads. The backward pass is written
// out by hand for the same reason (tfjs's matMul gradient uses transposed matmuls).
import * as tf from '@tensorflow/tfjs-core';
import { withGrad } from './ops';
import { extractBlocks, type Block } from '../backend/blocks';

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
  // Block lists, b-major then head: (b, a) ↦ index b·A + a.
  const grid = (f: (b: number, a: number) => Block): Block[] => {
    const out: Block[] = [];
    for (let b = 0; b < B; b++) for (let a = 0; a < A; a++) out.push(f(b, a));
    return out;
  };
  const cols = (offset: number) => grid((b, a) => ({ row: b * T, col: offset + a * D, rows: T, cols: D })); // [T, D] from [B·T, ·]
  const colsT = (offset: number) => grid((b, a) => ({ row: b * T, col: offset + a * D, rows: T, cols: D, transpose: true })); // [D, T]
  const square = grid((b, a) => ({ row: (b * A + a) * T, col: 0, rows: T, cols: T })); // [T, T] from [B·A·T, T]
  const squareT = grid((b, a) => ({ row: (b * A + a) * T, col: 0, rows: T, cols: T, transpose: true }));
  const pairwise = (xs: tf.Tensor2D[], ys: tf.Tensor2D[]) => xs.map((x, i) => tf.matMul(x, ys[i]) as tf.Tensor2D);

  return withGrad([qkv], ([x], save) => {
    const qkv2 = x as tf.Tensor2D;
    const scores = tf.concat(pairwise(extractBlocks(qkv2, cols(0)), extractBlocks(qkv2, colsT(H))), 0); // Q·Kᵀ, [B·A·T, T]
    const probs = tf.reshape(tf.softmax(tf.add(tf.reshape(scores, [B, A * T, T]), maskBias)), [B * A * T, T]) as tf.Tensor2D;
    const dropped = (dropMask ? tf.mul(probs, dropMask) : probs) as tf.Tensor2D;
    const ctx = joinHeads(pairwise(extractBlocks(dropped, square), extractBlocks(qkv2, cols(2 * H))), B, A);
    // `dropped` is not saved (recomputed below): attention-sized tensors dominate the activations.
    save(dropMask ? [qkv2, probs, dropMask] : [qkv2, probs]);
    return {
      value: ctx,
      gradFunc: (dy, saved) => {
        const [sQkv, sProbs, sMask] = saved as tf.Tensor2D[];
        const sDropped = (sMask ? tf.mul(sProbs, sMask) : sProbs) as tf.Tensor2D;
        const dC = extractBlocks(dy as tf.Tensor2D, grid((b, a) => ({ row: b * T, col: a * D, rows: T, cols: D })));
        // dV = droppedᵀ · dC ; dDropped = dC · Vᵀ
        const dV = pairwise(extractBlocks(sDropped, squareT), dC);
        const dDropped = tf.concat(pairwise(dC, extractBlocks(sQkv, colsT(2 * H))), 0);
        const dProbs = sMask ? tf.mul(dDropped, sMask) : dDropped;
        // softmax backward: dS = P ⊙ (dP − Σ_j dP·P)
        const dScores = tf.mul(sProbs, tf.sub(dProbs, tf.sum(tf.mul(dProbs, sProbs), -1, true))) as tf.Tensor2D;
        // dQ = dS · K ; dK = dSᵀ · Q
        const dQ = pairwise(extractBlocks(dScores, square), extractBlocks(sQkv, cols(H)));
        const dK = pairwise(extractBlocks(dScores, squareT), extractBlocks(sQkv, cols(0)));
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
