import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { extractBlocks } from '../../src/engine/backend/blocks';
async function main() {
  await initBackend('wasm');
  const time = (name: string, f: () => void) => {
    let best = Infinity;
    for (let i = 0; i < 6; i++) { const t0 = performance.now(); tf.tidy(f); best = Math.min(best, performance.now() - t0); }
    return best;
  };
  for (const [K, M] of [[768, 2304], [768, 768], [768, 3072], [3072, 768], [512, 768], [512, 3072]]) {
    const w = tf.randomUniform([K, M]) as tf.Tensor2D;
    const ms = time('', () => { extractBlocks(w, [{ row: 0, col: 0, rows: K, cols: M, transpose: true }]); });
    console.log(`transpose [${K},${M}] ${ms.toFixed(2)} ms, ${(ms * 1e6 / (K * M)).toFixed(2)} ns/float`);
    w.dispose();
  }
}
void main();
