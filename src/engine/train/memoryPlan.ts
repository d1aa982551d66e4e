// Will a training fit? The WASM heap (4 GiB at most) and host RAM a training step needs, estimated
// from the model's shape and the batch before the first step (before the weights are even allocated
// when setup can), so that a configuration that cannot fit is refused with the numbers and what would
// fit, instead of aborting inside WebAssembly minutes later.
import os from 'node:os';
import type { TrainKind } from './tensors';

/** The BertConfig fields the estimate reads. */
export interface ModelShape {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
}

export interface StepShape {
  kind: TrainKind;
  batch: number;
  /** Longest padded sequence of a batch. */
  seqLen: number;
  gradientCheckpointing: boolean;
  /** Share of tokens the MLM head decodes (mlm_probability). */
  mlmProbability?: number;
  /** Rows per forward + backward pass in a thread (rowsPerPass below); default: a thread's share in one pass. */
  rowsPerPass?: number;
}

/** Emscripten's cap on a 32-bit WASM memory (4 GiB − 64 KiB). */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30 - 65536;
/**
 * Allocator slack and what the sum below leaves out: bert-base at 16 × 128 (wasm) peaked at
 * 3.02 GB of heap against 2.49 GB estimated.
 */
const FRAGMENTATION = 1.25;
/** Node, tfjs and the data, outside both estimates. */
const BASELINE_RAM = 400e6;

export interface MemoryEstimate {
  /** Bytes the backend's heap must hold at the step's peak (WASM: ≤ WASM_HEAP_LIMIT). */
  heap: number;
  /** Bytes of JS memory for the optimizer: the summed gradient and two AdamW moments (no master copy of the weights: hostAdamW.ts). */
  host: number;
  weights: number;
  activations: number;
  backward: number;
}

export function parameterCount(m: ModelShape): number {
  const H = m.hidden_size,
    I = m.intermediate_size;
  const embeddings = (m.vocab_size + m.max_position_embeddings + m.type_vocab_size) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H * I + I + H + 4 * H;
  const heads = H * H + H + 2 * H + m.vocab_size; // pooler or MLM transform + decoder bias, whichever is larger in practice
  return embeddings + m.num_hidden_layers * layer + heads;
}

/** Floats one encoder layer keeps for its backward pass (see bert.ts/ops.ts: what each op saves). */
function layerFloats(m: ModelShape, s: StepShape): number {
  const N = s.batch * s.seqLen,
    H = m.hidden_size,
    I = m.intermediate_size;
  const attention = s.batch * m.num_attention_heads * s.seqLen * s.seqLen;
  // input, qkv (3H), context, 2 dropout masks, 2 LayerNorm x̂, LayerNorm output; GELU input and output;
  // softmax probabilities and attention dropout mask; the fused QKV weight.
  return N * (10 * H + 2 * I) + 2 * attention + 3 * H * H;
}

export function estimateTrainingMemory(m: ModelShape, s: StepShape, hostOptimizer: boolean): MemoryEstimate {
  const f = 4;
  const P = parameterCount(m);
  const N = s.batch * s.seqLen,
    H = m.hidden_size,
    I = m.intermediate_size,
    L = m.num_hidden_layers;
  const layer = layerFloats(m, s);
  // Checkpointing keeps one input per layer; in the backward pass one layer is recomputed and the
  // gradients of its activations exist beside them (bert-base 16 × 128 peaked at 1.50 GB of heap).
  const kept = s.gradientCheckpointing ? L * N * H + 3 * layer : L * layer;
  const head = s.kind === 'classification' ? 0 : 4 * Math.ceil((s.mlmProbability ?? 0.15) * N) * m.vocab_size;
  const activations = f * (kept + 3 * N * H + head);
  // Largest transient of the backward pass: the embedding table's gradient (a scatter into a zeroed
  // table), or attention's backward temporaries, plus a few activation gradients in flight.
  const attention = s.batch * m.num_attention_heads * s.seqLen * s.seqLen;
  const backward = f * (Math.max(2 * m.vocab_size * H, 4 * attention) + 4 * N * I);
  const weights = f * P;
  // Without the host optimizer, gradients and moments stay on the device too.
  const deviceState = hostOptimizer ? 0 : 3 * weights;
  return {
    heap: FRAGMENTATION * (weights + deviceState + activations + backward),
    host: hostOptimizer ? 3 * weights : 0,
    weights,
    activations,
    backward,
  };
}

const gb = (b: number) => `${(b / 1e9).toFixed(b < 1e10 ? 2 : 0)} GB`;

export class MemoryPlanError extends Error {
  override name = 'MemoryPlanError';
}

export interface FitCheck {
  /** tfjs backend name: 'wasm' has the 4 GiB heap; 'cpu' only RAM; others are not checked. */
  backend: string;
  accumulation: number;
  /** Bytes of RAM (default os.totalmem()). */
  totalRam?: number;
  /** Training threads (training.num_threads, already capped at the batch): each holds a heap of its own. Default 1. */
  threads?: number;
}

/**
 * With T threads each heap holds the weights and the activations of one pass over its share of the
 * batch (at most ceil(B / T) rows, or rowsPerPass); RAM holds T heaps and the host optimizer state
 * (the threads add into one gradient sum: parallel/sumOrder.ts). Checked on bert-base 16 × 128,
 * 2 threads, 4 rows per pass: 1.44 GB per heap and 4.60 GB of RAM estimated; 1.44 / 1.33 GB and a
 * peak RSS of 4.33 GB measured (with checkpointing: 4.09 GB estimated, 4.09 GB measured before the
 * threads stopped loading through a temporary copy of the weights, 0.27 GB less since).
 */
function need(
  m: ModelShape,
  s: StepShape,
  c: FitCheck,
): { est: MemoryEstimate; ram: number; threads: number; rows: number } {
  const threads = Math.max(1, Math.min(c.threads ?? 1, s.batch));
  const share = Math.ceil(s.batch / threads);
  const rows = Math.min(share, s.rowsPerPass ?? share);
  const est = estimateTrainingMemory(m, { ...s, batch: rows }, true);
  return { est, threads, rows, ram: threads * est.heap + est.host + BASELINE_RAM };
}

/** Passes cost time (smaller matmuls, one embedding-gradient scatter each): only worth it when they save this much. */
const MIN_PASS_SAVING = 256e6;
/** Nor with fewer tokens than this per pass, where matmuls get too small to run at speed. */
const MIN_PASS_TOKENS = 512;

/**
 * Rows per forward + backward pass in each of `threads` threads. Every thread holds a copy of the
 * model, so threads would multiply the weights' memory; each thread instead takes its share of the
 * batch in passes (gradient accumulation inside the thread, backward.ts) small enough that the whole
 * step needs no more RAM than one copy of the model taking the whole batch in one pass without
 * checkpointing (what a one-process framework such as PyTorch holds). The most rows that do so,
 * since fewer rows per pass run slower, and never fewer than MIN_PASS_TOKENS tokens' worth (the
 * closest to the limit that allows when none reaches it); a share in one pass when passes would save
 * less than MIN_PASS_SAVING (small models, whose copies cost little).
 */
export function rowsPerPass(m: ModelShape, s: StepShape, threads: number): number {
  const t = Math.max(1, Math.min(threads, s.batch));
  const share = Math.ceil(s.batch / t);
  if (t === 1) return share;
  const ram = (rows: number, th: number, checkpointing: boolean) =>
    need(
      m,
      { ...s, gradientCheckpointing: checkpointing, rowsPerPass: rows },
      { backend: 'wasm', accumulation: 1, threads: th },
    ).ram;
  const limit = ram(s.batch, 1, false);
  const whole = ram(share, t, s.gradientCheckpointing);
  if (whole <= limit) return share;
  const fewest = Math.min(share, Math.ceil(MIN_PASS_TOKENS / s.seqLen));
  let r = share - 1;
  while (r > fewest && ram(r, t, s.gradientCheckpointing) > limit) r--;
  return r >= fewest && whole - ram(r, t, s.gradientCheckpointing) >= MIN_PASS_SAVING ? r : share;
}

/**
 * Throws MemoryPlanError when the step cannot fit: in the WASM heap (wasm backend) or in RAM
 * (wasm, cpu). Returns the estimate and, when RAM is tight but may do, a warning.
 */
export function checkTrainingFits(
  m: ModelShape,
  step: StepShape,
  c: FitCheck,
): { estimate: MemoryEstimate; rowsPerPass: number; warning?: string } {
  if (c.backend !== 'wasm' && c.backend !== 'cpu')
    return { estimate: estimateTrainingMemory(m, step, false), rowsPerPass: step.batch };
  // The training step takes each thread's share in passes of this many rows (trainStep.ts).
  const s = { ...step, rowsPerPass: step.rowsPerPass ?? rowsPerPass(m, step, c.threads ?? 1) };
  const { est, ram: needRam, threads, rows } = need(m, s, c);
  const ram = c.totalRam ?? os.totalmem();
  const heapOver = c.backend === 'wasm' && est.heap > WASM_HEAP_LIMIT;
  if (heapOver || needRam > ram) {
    const where = heapOver ? `the WebAssembly heap holds at most 4 GiB` : `this machine has ${gb(ram)} of RAM`;
    const what =
      `this training needs about ${gb(heapOver ? est.heap : needRam)} of ${heapOver ? 'WASM memory' : 'RAM'} ` +
      `(weights ${gb(est.weights)}, activations ${gb(est.activations)} for ${threads > 1 || rows < s.batch ? `${rows} rows of the batch of ${s.batch}` : `batch ${s.batch}`} × ${s.seqLen} tokens × ${m.num_hidden_layers} layers` +
      `${s.gradientCheckpointing ? ' with gradient checkpointing' : ''}, backward pass ${gb(est.backward)}` +
      `${heapOver ? '' : `, optimizer state in JS memory ${gb(est.host)}`}${threads > 1 ? `; weights and activations are per thread, and ${threads} threads train` : ''}); ${where}.`;
    throw new MemoryPlanError(`${what} ${advice(m, s, c, ram)}`);
  }
  const free = os.freemem();
  const warning =
    c.totalRam === undefined && needRam > free
      ? `training may need about ${gb(needRam)} of RAM and ${gb(free)} is free now: close other programs if it slows down or stops`
      : undefined;
  return { estimate: est, rowsPerPass: rows, warning };
}

function fits(m: ModelShape, step: StepShape, c: FitCheck, ram: number): boolean {
  // Each alternative gets the rows per pass the training step would choose for it.
  const s = { ...step, rowsPerPass: rowsPerPass(m, { ...step, rowsPerPass: undefined }, c.threads ?? 1) };
  const n = need(m, s, c);
  return (c.backend !== 'wasm' || n.est.heap <= WASM_HEAP_LIMIT) && n.ram <= ram;
}

/** What would fit: a smaller batch with more accumulation (same effective batch), checkpointing, a GPU. */
function advice(m: ModelShape, s: StepShape, c: FitCheck, ram: number): string {
  const ways: string[] = [];
  // Fewer threads hold fewer model copies: what RAM alone refuses may fit with fewer.
  for (let t = (c.threads ?? 1) - 1; t >= 1; t--) {
    if (!fits(m, s, { ...c, threads: t }, ram)) continue;
    ways.push(`training.num_threads: ${t} (fewer model copies in RAM; slower)`);
    break;
  }
  for (let b = s.batch - 1; b >= 1; b--) {
    if (s.batch % b !== 0 || !fits(m, { ...s, batch: b }, c, ram)) continue;
    ways.push(
      `per_device_train_batch_size: ${b} with gradient_accumulation_steps: ${c.accumulation * (s.batch / b)} (the same effective batch of ${s.batch * c.accumulation})`,
    );
    break;
  }
  if (!s.gradientCheckpointing && fits(m, { ...s, gradientCheckpointing: true }, c, ram))
    ways.push(
      `gradient_checkpointing: true (about ${gb(estimateTrainingMemory(m, { ...s, gradientCheckpointing: true }, true).heap)})`,
    );
  if (!ways.length && !s.gradientCheckpointing) {
    for (let b = s.batch - 1; b >= 1; b--) {
      if (s.batch % b !== 0 || !fits(m, { ...s, batch: b, gradientCheckpointing: true }, c, ram)) continue;
      ways.push(
        `gradient_checkpointing: true with per_device_train_batch_size: ${b} and gradient_accumulation_steps: ${c.accumulation * (s.batch / b)}`,
      );
      break;
    }
  }
  if (!ways.length)
    ways.push(
      `a smaller model (its weights alone are ${gb(estimateTrainingMemory(m, s, true).weights)}), or a shorter data.max_length`,
    );
  if (estimateTrainingMemory(m, s, true).weights < 20e9)
    ways.push('a GPU backend (training.backend), whose memory is not limited to 4 GiB');
  return `What would fit: ${ways.join('; or ')}.`;
}
