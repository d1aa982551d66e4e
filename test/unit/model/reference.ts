// A plain-TypeScript float64 BERT, written from the Hugging Face modeling_bert equations, used as the
// oracle for our tfjs model (forward values and, by finite differences, gradients). Weights are
// keyed by HF names in tfjs layout (Linear kernels [in, out]).

export type Weights = Map<string, { data: Float64Array; shape: number[] }>;

export interface RefConfig {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  layer_norm_eps: number;
  vocab_size: number;
}

export interface RefBatch {
  ids: number[][];
  mask: number[][];
  types: number[][];
}

/** erf in float64: Taylor series near 0, continued fraction for erfc in the tails (|error| < 1e-14). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = x,
      sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  let f = ax;
  for (let k = 80; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

export function act(name: string, x: number): number {
  switch (name) {
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'gelu_new':
      return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    case 'relu':
      return Math.max(0, x);
    case 'tanh':
      return Math.tanh(x);
    default:
      throw new Error(`reference: no activation ${name}`);
  }
}

function w(p: Weights, name: string): Float64Array {
  const t = p.get(name);
  if (!t) throw new Error(`reference: missing ${name}`);
  return t.data;
}

/** x [N, K] · W [K, M] + b */
function linear(x: Float64Array, N: number, K: number, W: Float64Array, b: Float64Array, M: number): Float64Array {
  const out = new Float64Array(N * M);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      let s = b[m];
      for (let k = 0; k < K; k++) s += x[n * K + k] * W[k * M + m];
      out[n * M + m] = s;
    }
  return out;
}

function layerNorm(x: Float64Array, N: number, H: number, g: Float64Array, b: Float64Array, eps: number): Float64Array {
  const out = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    let mean = 0;
    for (let h = 0; h < H; h++) mean += x[n * H + h];
    mean /= H;
    let v = 0;
    for (let h = 0; h < H; h++) v += (x[n * H + h] - mean) ** 2;
    v /= H;
    const inv = 1 / Math.sqrt(v + eps);
    for (let h = 0; h < H; h++) out[n * H + h] = (x[n * H + h] - mean) * inv * g[h] + b[h];
  }
  return out;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}

/** Hidden states (embeddings, then each layer) [B·T, H] and the pooled output [B, H]. */
export function refEncoder(
  c: RefConfig,
  p: Weights,
  batch: RefBatch,
  prefix = 'bert.',
): { hidden: Float64Array[]; pooled: Float64Array; B: number; T: number } {
  const B = batch.ids.length,
    T = batch.ids[0].length,
    H = c.hidden_size,
    N = B * T;
  const A = c.num_attention_heads,
    D = H / A;
  const we = w(p, `${prefix}embeddings.word_embeddings.weight`);
  const pe = w(p, `${prefix}embeddings.position_embeddings.weight`);
  const te = w(p, `${prefix}embeddings.token_type_embeddings.weight`);
  let x: Float64Array = new Float64Array(N * H);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++)
        x[(b * T + t) * H + h] = we[batch.ids[b][t] * H + h] + pe[t * H + h] + te[batch.types[b][t] * H + h];
  x = layerNorm(
    x,
    N,
    H,
    w(p, `${prefix}embeddings.LayerNorm.weight`),
    w(p, `${prefix}embeddings.LayerNorm.bias`),
    c.layer_norm_eps,
  );
  const hidden = [x];
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const L = `${prefix}encoder.layer.${l}.`;
    const q = linear(x, N, H, w(p, `${L}attention.self.query.weight`), w(p, `${L}attention.self.query.bias`), H);
    const k = linear(x, N, H, w(p, `${L}attention.self.key.weight`), w(p, `${L}attention.self.key.bias`), H);
    const v = linear(x, N, H, w(p, `${L}attention.self.value.weight`), w(p, `${L}attention.self.value.bias`), H);
    const ctx = new Float64Array(N * H);
    const scores = new Float64Array(T);
    for (let b = 0; b < B; b++)
      for (let a = 0; a < A; a++)
        for (let i = 0; i < T; i++) {
          let max = -Infinity;
          for (let j = 0; j < T; j++) {
            let s = 0;
            for (let d = 0; d < D; d++) s += q[(b * T + i) * H + a * D + d] * k[(b * T + j) * H + a * D + d];
            s = s / Math.sqrt(D) + (batch.mask[b][j] ? 0 : -1e9);
            scores[j] = s;
            max = Math.max(max, s);
          }
          let z = 0;
          for (let j = 0; j < T; j++) z += scores[j] = Math.exp(scores[j] - max);
          for (let d = 0; d < D; d++) {
            let s = 0;
            for (let j = 0; j < T; j++) s += (scores[j] / z) * v[(b * T + j) * H + a * D + d];
            ctx[(b * T + i) * H + a * D + d] = s;
          }
        }
    const ao = linear(ctx, N, H, w(p, `${L}attention.output.dense.weight`), w(p, `${L}attention.output.dense.bias`), H);
    const a1 = layerNorm(
      add(ao, x),
      N,
      H,
      w(p, `${L}attention.output.LayerNorm.weight`),
      w(p, `${L}attention.output.LayerNorm.bias`),
      c.layer_norm_eps,
    );
    const inter = linear(
      a1,
      N,
      H,
      w(p, `${L}intermediate.dense.weight`),
      w(p, `${L}intermediate.dense.bias`),
      c.intermediate_size,
    ).map((z) => act(c.hidden_act, z));
    const o = linear(inter, N, c.intermediate_size, w(p, `${L}output.dense.weight`), w(p, `${L}output.dense.bias`), H);
    x = layerNorm(
      add(o, a1),
      N,
      H,
      w(p, `${L}output.LayerNorm.weight`),
      w(p, `${L}output.LayerNorm.bias`),
      c.layer_norm_eps,
    );
    hidden.push(x);
  }
  let pooled: Float64Array = new Float64Array(0);
  if (p.has(`${prefix}pooler.dense.weight`)) {
    const first = new Float64Array(B * H);
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) first[b * H + h] = x[b * T * H + h];
    pooled = linear(first, B, H, w(p, `${prefix}pooler.dense.weight`), w(p, `${prefix}pooler.dense.bias`), H).map(
      Math.tanh,
    );
  }
  return { hidden, pooled, B, T };
}

function logSoftmaxRow(z: Float64Array, off: number, C: number): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, z[off + c]);
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(z[off + c] - max);
  const lse = max + Math.log(s);
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) out[c] = z[off + c] - lse;
  return out;
}

export function refCrossEntropy(logits: Float64Array, C: number, labels: number[]): number {
  let loss = 0,
    n = 0;
  labels.forEach((y, i) => {
    if (y < 0) return;
    loss -= logSoftmaxRow(logits, i * C, C)[y];
    n++;
  });
  return loss / Math.max(n, 1);
}

export function refClassifierLogits(c: RefConfig, p: Weights, pooled: Float64Array, B: number): Float64Array {
  const C = p.get('classifier.bias')!.data.length;
  return linear(pooled, B, c.hidden_size, w(p, 'classifier.weight'), w(p, 'classifier.bias'), C);
}

/** MLM logits of the given flat rows: transform (dense, act, LayerNorm), tied decoder, bias. */
export function refMlmLogits(c: RefConfig, p: Weights, seq: Float64Array, rows: number[]): Float64Array {
  const H = c.hidden_size,
    V = c.vocab_size;
  const x = new Float64Array(rows.length * H);
  rows.forEach((r, i) => x.set(seq.subarray(r * H, r * H + H), i * H));
  const h = linear(
    x,
    rows.length,
    H,
    w(p, 'cls.predictions.transform.dense.weight'),
    w(p, 'cls.predictions.transform.dense.bias'),
    H,
  ).map((z) => act(c.hidden_act, z));
  const t = layerNorm(
    h,
    rows.length,
    H,
    w(p, 'cls.predictions.transform.LayerNorm.weight'),
    w(p, 'cls.predictions.transform.LayerNorm.bias'),
    c.layer_norm_eps,
  );
  const we = w(p, 'bert.embeddings.word_embeddings.weight');
  const bias = w(p, 'cls.predictions.bias');
  const out = new Float64Array(rows.length * V);
  for (let i = 0; i < rows.length; i++)
    for (let v = 0; v < V; v++) {
      let s = bias[v];
      for (let k = 0; k < H; k++) s += t[i * H + k] * we[v * H + k];
      out[i * V + v] = s;
    }
  return out;
}

/** BertForPreTraining loss: MLM cross-entropy over labelled positions + NSP cross-entropy. */
export function refPretrainingLoss(
  c: RefConfig,
  p: Weights,
  batch: RefBatch,
  mlmLabels: number[][],
  nspLabels: number[],
): number {
  const { hidden, pooled, B } = refEncoder(c, p, batch);
  const seq = hidden[hidden.length - 1];
  const rows: number[] = [],
    targets: number[] = [];
  mlmLabels.flat().forEach((y, i) => {
    if (y >= 0) {
      rows.push(i);
      targets.push(y);
    }
  });
  const mlm = refCrossEntropy(refMlmLogits(c, p, seq, rows), c.vocab_size, targets);
  const nspLogits = linear(
    pooled,
    B,
    c.hidden_size,
    w(p, 'cls.seq_relationship.weight'),
    w(p, 'cls.seq_relationship.bias'),
    2,
  );
  return mlm + refCrossEntropy(nspLogits, 2, nspLabels);
}
