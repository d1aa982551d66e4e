// BERT in TensorFlow.js, the same function as Hugging Face's modeling_bert on the same weights.
//
// What callers can rely on:
// - Tasks: 'sequence-classification' | 'masked-lm' | 'next-sentence-prediction' | 'pretraining' |
//   'feature-extraction' (aliases: text-classification, fill-mask, mlm, nsp, base).
// - `model.variables`: [{ name (HF tensor name), variable (tf.Variable), layout }] in a FIXED order.
//   Linear kernels are kept in tfjs [in, out] layout; checkpoint I/O transposes to PyTorch [out, in].
// - `model.forward(batch, { training, seed? })` → named outputs (e.g. { logits }).
// - `model.loss(batch, labels, { training, seed? })` → `{ loss: tf.Scalar, ...outputs }`
//   (so `tf.variableGrads(() => model.loss(b, y, o).loss, vars)`). Labels per task:
//     sequence-classification: int32 [B] | float [B, N] (multi-label 0/1) | float [B] (regression);
//     masked-lm: int32 [B, T] with -100 where not masked (reads the labels synchronously to pick rows);
//     next-sentence-prediction: int32 [B]; pretraining: { labels, next_sentence_label }.
// - Same `seed` → same dropout masks (on any backend). Call inside tf.tidy; outputs are plain tensors.
// - `loadPretrained` / `savePretrained` live in src/engine/checkpoint and are re-exported here.
export * from './config';
export * from './models';
export type { ModelInputs, ForwardOptions } from './bert';
export type { NamedVariable } from './params';
export { loadPretrained, savePretrained } from '../checkpoint/pretrained';
export type { LoadOptions, LoadResult, LoadReport } from '../checkpoint/pretrained';
export { initBackend } from '../backend';
export type { BackendPreference, BackendReport } from '../backend';
