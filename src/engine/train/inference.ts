// Evaluate or predict with a saved model folder (the CLI's `evaluate`, the worker's evaluate/predict ops).
import * as tf from '@tensorflow/tfjs-core';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadPretrained, initBackend, type AnyBertModel } from '../model';
import type { BertTokenizer } from '../tokenizer';
import { loadData, encodeExamples, padBatch, DataError, type DataOptions } from '../data';
import { evaluateModel, type EvalDetail } from './evaluate';
import { analyseErrors, type ErrorAnalysis } from './errorAnalysis';
import { runWarnings } from './warnings';
import { readRun } from '../runs/discover';
import type { RunWarning } from '../../protocol/evaluation';

export interface LoadedClassifier {
  model: AnyBertModel;
  tokenizer: BertTokenizer;
  id2label: Record<string, string>;
  problemType: string;
}

const cache = new Map<string, { stamp: string; loaded: LoadedClassifier }>();

/** Changes whenever the weights or config in `dir` are rewritten (e.g. a new %train into the same output_dir). */
function folderStamp(dir: string): string {
  return ['config.json', 'model.safetensors']
    .map((f) => {
      try {
        const st = statSync(join(dir, f));
        return `${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

export async function loadClassifier(dir: string, backend = 'auto'): Promise<LoadedClassifier> {
  const stamp = folderStamp(dir);
  const hit = cache.get(dir);
  if (hit?.stamp === stamp) return hit.loaded;
  // Retrained in place: the cached weights are stale, free them.
  if (hit) hit.loaded.model.dispose();
  cache.delete(dir);
  await initBackend(backend);
  const r = await loadPretrained(dir, { task: 'sequence-classification' });
  const id2label = r.config.id2label;
  const problemType =
    r.config.problem_type ?? (r.config.num_labels === 1 ? 'regression' : 'single_label_classification');
  const loaded = { model: r.model, tokenizer: r.tokenizer as unknown as BertTokenizer, id2label, problemType };
  cache.set(dir, { stamp, loaded });
  return loaded;
}

export interface EvaluateFileOptions extends Omit<DataOptions, 'train' | 'validation' | 'test' | 'labels'> {
  maxLength?: number;
  batchSize?: number;
  backend?: string;
  /** How many wrong examples to keep for error analysis (default 200). */
  errorLimit?: number;
}

/** The metrics (numbers and confusion_matrix, as evaluateModel gives them) plus the report and the wrong examples. */
export type FileEvaluation = ErrorAnalysis & { examples: number; warnings: RunWarning[] } & Record<string, unknown>;

/** Metrics of a saved classifier on a labelled file; labels must be among the model's id2label. */
export async function evaluateFile(
  modelDir: string,
  dataFile: string,
  opts: EvaluateFileOptions = {},
): Promise<FileEvaluation> {
  const clf = await loadClassifier(modelDir, opts.backend);
  const labelNames = Object.keys(clf.id2label)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => clf.id2label[k]);
  const data = await loadData(
    {
      ...opts,
      train: dataFile,
      labels: clf.problemType === 'regression' ? undefined : labelNames,
      problem_type: clf.problemType as never,
    },
    true,
  );
  const enc = encodeExamples(data.train, clf.tokenizer, opts.maxLength ?? 128);
  const detail: EvalDetail = { logits: [] };
  const spec = {
    kind: 'classification' as const,
    padId: clf.tokenizer.padId,
    problemType: clf.problemType,
    numLabels: labelNames.length,
    batchSize: opts.batchSize ?? 64,
    seed: 0,
  };
  const m = await evaluateModel(clf.model as never, enc, spec, undefined, detail);
  const rows = data.train.map((ex, i) => ({ ...ex, input_ids: enc[i].input_ids, fullLength: enc[i].fullLength }));
  const idToToken = (id: number): string => clf.tokenizer.idToToken(id) ?? `[${id}]`;
  const analysis = analyseErrors(rows, detail.logits, {
    problemType: clf.problemType,
    names: labelNames,
    idToToken,
    limit: opts.errorLimit,
  });
  // The model folder may be a run's output_dir: its log history says more than the evaluation alone.
  const history = (await readRun(modelDir).catch(() => undefined))?.points ?? [];
  const warnings = runWarnings({ history, report: analysis.report });
  return { ...m, examples: enc.length, ...analysis, warnings };
}

export interface Prediction {
  label: string;
  score: number;
  scores: Record<string, number>;
}

/** Classifies texts (or [text, pair] tuples). Regression models return the value as score. */
export async function predictTexts(
  modelDir: string,
  inputs: Array<string | [string, string]>,
  opts: { maxLength?: number; batchSize?: number; backend?: string } = {},
): Promise<Prediction[]> {
  if (!Array.isArray(inputs) || inputs.some((x) => typeof x !== 'string' && !(Array.isArray(x) && x.length === 2)))
    throw new DataError('predict: inputs must be a list of texts or [text, pair] lists');
  const clf = await loadClassifier(modelDir, opts.backend);
  const enc = encodeExamples(
    inputs.map((x) => (typeof x === 'string' ? { text: x, source: '' } : { text: x[0], text_pair: x[1], source: '' })),
    clf.tokenizer,
    opts.maxLength ?? 128,
  );
  const bs = opts.batchSize ?? 64;
  const out: Prediction[] = [];
  for (let i = 0; i < enc.length; i += bs) {
    const b = padBatch(enc.slice(i, i + bs), clf.tokenizer.padId);
    const probs = tf.tidy(() => {
      const shape: [number, number] = [b.batchSize, b.seqLen];
      const { logits } = clf.model.forward(
        {
          input_ids: tf.tensor2d(b.input_ids, shape, 'int32'),
          attention_mask: tf.tensor2d(b.attention_mask, shape, 'int32'),
          token_type_ids: tf.tensor2d(b.token_type_ids, shape, 'int32'),
        },
        { training: false },
      ) as { logits: tf.Tensor2D };
      if (clf.problemType === 'regression') return logits;
      return clf.problemType === 'multi_label_classification' ? tf.sigmoid(logits) : tf.softmax(logits);
    });
    const rows = (await probs.array()) as number[][];
    probs.dispose();
    for (const r of rows) {
      if (clf.problemType === 'regression') {
        out.push({ label: 'value', score: r[0], scores: { value: r[0] } });
        continue;
      }
      const scores = Object.fromEntries(r.map((p, k) => [clf.id2label[String(k)] ?? `LABEL_${k}`, p]));
      const k = r.indexOf(Math.max(...r));
      out.push({ label: clf.id2label[String(k)] ?? `LABEL_${k}`, score: r[k], scores });
    }
  }
  return out;
}
