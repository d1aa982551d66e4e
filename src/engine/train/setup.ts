// From a validated RunConfig to everything the loop needs: backend, tokenizer, data (checked and
// tokenized before any training), model, save/load functions. All input errors surface here.
import { readFileSync } from 'node:fs';
import type { RunConfig } from '../../schema';
import { BertTokenizer, bundledVocabPath } from '../tokenizer';
import {
  builtinConfig,
  createModel,
  initBackend,
  isBuiltinName,
  loadPretrained,
  savePretrained,
  type AnyBertModel,
  type BackendReport,
  type BertConfig,
} from '../model';
import {
  BadRows,
  prepareData,
  formatDataProgress,
  encodeExamples,
  summarizeSplit,
  readRecords,
  formatOf,
  checkReadable,
  cleanText,
  splitDocuments,
  nspPairs,
  DataError,
  type DataSummary,
  type DataOptions,
  type DataProgress,
  type ExampleSet,
} from '../data';
import { resolveModelDir } from '../checkpoint';
import { Rng, mixSeed } from './rng';
import type { TrainerInputs, TrainableModel } from './trainer';
import type { MaskingSpec, TrainKind } from './tensors';
import { checkTrainingFits } from './memoryPlan';
import { trainingThreads } from './parallel';

export interface PreparedRun {
  inputs: TrainerInputs;
  summary: DataSummary;
  backend: BackendReport;
  tokenizer: BertTokenizer;
  test?: ExampleSet;
}

function dataOptions(c: RunConfig): DataOptions {
  const d = c.data;
  return {
    train: d.train ?? undefined,
    validation: d.validation ?? undefined,
    test: d.test ?? undefined,
    text_column: d.text_column,
    text_pair_column: d.text_pair_column ?? undefined,
    label_column: d.label_column,
    validation_split: d.validation ? 0 : d.split.validation,
    seed: d.split.seed ?? c.training.data_seed ?? c.training.seed,
    problem_type: d.problem_type ?? undefined,
    labels: d.label_list ?? undefined,
    format: d.format === 'auto' ? undefined : d.format,
    clean_text: d.clean_text,
    skip_bad_rows: d.skip_bad_rows,
  };
}

async function loadTokenizer(c: RunConfig): Promise<BertTokenizer | undefined> {
  if (c.tokenizer) return BertTokenizer.load(c.tokenizer);
  if (isBuiltinName(c.model)) return BertTokenizer.load(bundledVocabPath());
  return undefined; // the model folder's own
}

/** The tokenizer data is tokenized with: the configured one, else the model folder's own (read before the weights). */
async function dataTokenizer(c: RunConfig): Promise<BertTokenizer> {
  return (await loadTokenizer(c)) ?? BertTokenizer.load(await resolveModelDir(c.model));
}

/** Sentences of a pretraining corpus grouped in documents (text: blank lines; other formats: one row = one document). */
async function readCorpus(
  file: string,
  opts: DataOptions,
  role: string,
  say: (t: string) => void,
): Promise<string[][]> {
  checkReadable(file, role);
  const format = opts.format ?? formatOf(file);
  const col = opts.text_column ?? 'text';
  const lines: Array<string | null> = [];
  let checked = false;
  const bad = new BadRows(opts.skip_bad_rows);
  for await (const rec of readRecords(file, format, { bad })) {
    if (rec.fields.__blank) {
      lines.push(null);
      continue;
    }
    if (!checked && !(col in rec.fields))
      throw new DataError(`${file}: column '${col}' not found (available: ${Object.keys(rec.fields).join(', ')})`);
    checked = true;
    const t = cleanText(String(rec.fields[col] ?? ''), { clean: opts.clean_text }).text;
    if (format === 'text') lines.push(t);
    else {
      lines.push(...t.split(/(?<=[.!?])\s+/), null);
    }
  }
  if (bad.count) say(`warning: ${bad.summary()}`);
  const docs = splitDocuments(lines);
  if (!docs.length) throw new DataError(`${role}: no text in ${file}`);
  return docs;
}

function encodePretraining(
  docs: string[][],
  tok: BertTokenizer,
  maxLength: number,
  nsp: boolean,
  seed: number,
): ExampleSet {
  if (!nsp)
    return encodeExamples(
      docs.flat().map((text) => ({ text, source: '' })),
      tok,
      maxLength,
    );
  const pairs = nspPairs(docs, new Rng(mixSeed(seed, 0x45)));
  if (!pairs.length)
    throw new DataError(
      'pretraining with nsp needs documents of at least two sentences (one per line, documents separated by blank lines)',
    );
  return encodeExamples(
    pairs.map((p) => ({ text: p.a, text_pair: p.b, label: p.label, source: '' })),
    tok,
    maxLength,
  );
}

/** Options of a run that are not TrainingArguments: BertConfig values set by a notebook's %model cell (dropout). */
export interface PrepareOptions {
  modelOverrides?: Partial<Record<(typeof MODEL_OVERRIDE_KEYS)[number], number>>;
  /** Progress while the data files are read (default: a `say` line every 2 s). */
  onDataProgress?: (p: DataProgress) => void;
}

/** The BertConfig values a run may override (functional only: the weights' shapes do not change). */
export const MODEL_OVERRIDE_KEYS = [
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'classifier_dropout',
] as const satisfies ReadonlyArray<keyof BertConfig>;

/** The data summary shown before training; warns when many training texts will be truncated. */
function summarize(
  sets: { train: ExampleSet; validation?: ExampleSet; test?: ExampleSet },
  s: {
    problemType: string;
    numLabels: number;
    maxLength: number;
    labelMap?: { id2label: Record<string, string> };
    warnings: string[];
  },
): DataSummary {
  const split = (set: ExampleSet) => summarizeSplit(set, s.maxLength, s.labelMap as never);
  const summary: DataSummary = {
    problemType: s.problemType as never,
    numLabels: s.numLabels,
    maxLength: s.maxLength,
    splits: { train: split(sets.train) },
    warnings: s.warnings,
  };
  if (sets.validation) summary.splits.validation = split(sets.validation);
  if (sets.test) summary.splits.test = split(sets.test);
  const trunc = summary.splits.train.truncated;
  if (trunc > 0.1 * sets.train.length)
    s.warnings.push(
      `${trunc} of ${sets.train.length} training texts are longer than max_length ${s.maxLength} and will be truncated`,
    );
  return summary;
}

/** What MLM masking needs from the vocabulary (pretraining). */
function maskingOf(c: RunConfig, tok: BertTokenizer): MaskingSpec {
  return {
    mlmProbability: c.pretraining.mlm_probability,
    maskTokenId: tok.maskId,
    vocabSize: tok.vocabSize,
    specialIds: new Set([tok.padId, tok.clsId, tok.sepId, tok.maskId, tok.unkId].filter((x) => x >= 0)),
    idToToken: c.pretraining.whole_word_masking ? (id) => tok.idToToken(id) ?? '' : undefined,
  };
}

/** Refuses a configuration that cannot fit before its weights are allocated (memoryPlan.ts). */
function fitCheck(c: RunConfig, backend: BackendReport): (config: BertConfig, k: TrainKind) => BertConfig {
  const t = c.training;
  return (config, k) => {
    const step = {
      kind: k,
      batch: t.per_device_train_batch_size,
      seqLen: c.data.max_length,
      gradientCheckpointing: t.gradient_checkpointing,
      mlmProbability: c.pretraining.mlm_probability,
    };
    checkTrainingFits(config, step, {
      backend: backend.tfBackend,
      accumulation: t.gradient_accumulation_steps,
      threads: trainingThreads(t.num_threads, t.per_device_train_batch_size),
    });
    return config;
  };
}

/** What the task-specific halves of prepareRun share. */
interface PrepareContext {
  c: RunConfig;
  opts: DataOptions;
  seed: number;
  overrides: NonNullable<PrepareOptions['modelOverrides']>;
  fitOrRefuse: (config: BertConfig, k: TrainKind) => BertConfig;
  say: (t: string) => void;
}

/** The task-specific half of a prepared run: model, tokenizer, encoded data and what the summary needs. */
interface TaskData {
  kind: TrainKind;
  model: AnyBertModel;
  tokenizer: BertTokenizer;
  train: ExampleSet;
  evalSet?: ExampleSet;
  test?: ExampleSet;
  problemType: string;
  numLabels: number;
  labelMap?: { id2label: Record<string, string> };
  warnings: string[];
}

/**
 * Without a validation file, holds out whole documents (not sentences) for validation, so no
 * document contributes sentence pairs to both sides.
 */
function splitDocs(docs: string[][], opts: DataOptions, seed: number, valDocs?: string[][]) {
  if (valDocs || !((opts.validation_split ?? 0) > 0 && docs.length > 1)) return { trainDocs: docs, valDocs };
  const idx = new Rng(mixSeed(seed, 0x5711)).shuffle([...docs.keys()]);
  const nVal = Math.max(1, Math.round(docs.length * opts.validation_split!));
  const valSet = new Set(idx.slice(0, nVal));
  return { trainDocs: docs.filter((_, i) => !valSet.has(i)), valDocs: docs.filter((_, i) => valSet.has(i)) };
}

/** Pretraining (MLM, optionally NSP): reads the corpus, builds or loads the model, encodes the documents. */
async function preparePretraining(x: PrepareContext, tokenizer: BertTokenizer | undefined): Promise<TaskData> {
  const { c, opts, seed, overrides, fitOrRefuse, say } = x;
  const t = c.training;
  const maxLength = c.data.max_length;
  const kind: TrainKind = c.pretraining.nsp ? 'mlm+nsp' : 'mlm';
  if (!opts.train) throw new DataError('data.train: no training file given');
  const docs = await readCorpus(opts.train, opts, 'data.train', say);
  const readVal = opts.validation ? await readCorpus(opts.validation, opts, 'data.validation', say) : undefined;
  const { trainDocs, valDocs } = splitDocs(docs, opts, seed, readVal);
  const task = kind === 'mlm' ? 'masked-lm' : 'pretraining';
  let model: AnyBertModel;
  if (isBuiltinName(c.model)) {
    model = createModel(
      task,
      fitOrRefuse(
        builtinConfig(c.model, {
          ...overrides,
          vocab_size: tokenizer!.vocabSize,
          max_position_embeddings: Math.max(512, maxLength),
        }),
        kind,
      ),
      { seed: t.seed },
    );
  } else {
    const r = await loadPretrained(c.model, {
      task,
      seed: t.seed,
      configOverrides: overrides,
      beforeAllocate: (cfg) => fitOrRefuse(cfg, kind),
    });
    model = r.model;
    tokenizer ??= r.tokenizer as unknown as BertTokenizer;
    r.report.messages.forEach((m) => say(m));
  }
  const train = encodePretraining(trainDocs, tokenizer!, maxLength, c.pretraining.nsp, seed);
  const evalSet = valDocs && encodePretraining(valDocs, tokenizer!, maxLength, c.pretraining.nsp, seed + 1);
  if (tokenizer!.maskId < 0)
    throw new DataError('the vocabulary has no [MASK] token: masked-language-model pretraining needs one');
  return {
    kind,
    model,
    tokenizer: tokenizer!,
    train,
    evalSet,
    problemType: 'single_label_classification',
    numLabels: 0,
    warnings: [],
  };
}

/** Sequence classification: reads and tokenizes the labelled data first, then builds or loads a model with its labels. */
async function prepareClassification(
  x: PrepareContext,
  tokenizer: BertTokenizer | undefined,
  onDataProgress: PrepareOptions['onDataProgress'],
): Promise<TaskData> {
  const { c, opts, overrides, fitOrRefuse, say } = x;
  const t = c.training;
  const maxLength = c.data.max_length;
  const kind: TrainKind = 'classification';
  const warnings: string[] = [];
  tokenizer ??= await dataTokenizer(c);
  const data = await prepareData(opts, tokenizer, maxLength, true, {
    onProgress: onDataProgress ?? ((p) => say(formatDataProgress(p))),
  });
  const problemType = data.problemType;
  const numLabels = problemType === 'regression' ? 1 : Object.keys(data.labels!.id2label).length;
  if (problemType !== 'regression' && numLabels < 2)
    throw new DataError(
      `data.train: only one label value (${Object.values(data.labels!.id2label).join(', ')}) in the training data; a classifier needs at least two`,
    );
  const labels = data.labels && { id2label: data.labels.id2label, label2id: data.labels.label2id };
  if (data.capped) warnings.push(`${data.capped} text(s) longer than 100000 characters were cut`);
  if (data.skippedEmpty) warnings.push(`${data.skippedEmpty} row(s) with empty text were skipped`);
  if (data.skippedBad.count)
    warnings.push(
      `${data.skippedBad.count} bad row(s) skipped (data.skip_bad_rows): ${data.skippedBad.first.join(', ')}${data.skippedBad.count > data.skippedBad.first.length ? ', ...' : ''}`,
    );
  let model: AnyBertModel;
  if (isBuiltinName(c.model)) {
    model = createModel(
      'sequence-classification',
      fitOrRefuse(
        builtinConfig(c.model, {
          ...overrides,
          vocab_size: tokenizer.vocabSize,
          num_labels: numLabels,
          ...(labels ?? {}),
          problem_type: problemType as never,
          max_position_embeddings: Math.max(512, maxLength),
        }),
        kind,
      ),
      { seed: t.seed },
    );
  } else {
    const r = await loadPretrained(c.model, {
      task: 'sequence-classification',
      numLabels,
      id2label: labels?.id2label,
      seed: t.seed,
      configOverrides: overrides,
      beforeAllocate: (cfg) => fitOrRefuse(cfg, kind),
    });
    model = r.model;
    r.report.messages.forEach((m) => say(m));
    model.config.problem_type = problemType as never;
  }
  return {
    kind,
    model,
    tokenizer,
    train: data.train,
    evalSet: data.validation,
    test: data.test,
    problemType,
    numLabels,
    labelMap: data.labels,
    warnings,
  };
}

/** What the training loop is given: the model and data, plus how to save and reload the model for checkpoints. */
function trainerInputs(c: RunConfig, d: TaskData): TrainerInputs {
  const tok = d.tokenizer;
  const kind = d.kind;
  const taskName = kind === 'classification' ? 'sequence-classification' : kind === 'mlm' ? 'masked-lm' : 'pretraining';
  return {
    kind,
    model: d.model as unknown as TrainableModel,
    train: d.train,
    eval: d.evalSet,
    padId: tok.padId,
    problemType: d.problemType,
    numLabels: d.numLabels,
    groupByLength: c.data.bucket_by_length,
    mask: kind === 'classification' ? undefined : maskingOf(c, tok),
    args: c.training,
    saveModel: (m, dir) => savePretrained(m as unknown as AnyBertModel, tok, dir),
    loadModel: async (dir) => (await loadPretrained(dir, { task: taskName })).model as unknown as TrainableModel,
    runConfig: c,
  };
}

export async function prepareRun(
  c: RunConfig,
  say: (t: string) => void = () => {},
  prep: PrepareOptions = {},
): Promise<PreparedRun> {
  const backend = await initBackend(c.training.backend);
  say(`backend: ${backend.name} (${backend.reason})`);
  const opts = dataOptions(c);
  const maxLength = c.data.max_length;
  const x: PrepareContext = {
    c,
    opts,
    seed: opts.seed ?? c.training.seed,
    overrides: prep.modelOverrides ?? {},
    fitOrRefuse: fitCheck(c, backend),
    say,
  };
  const tokenizer = await loadTokenizer(c);
  const d =
    c.task === 'pretraining'
      ? await preparePretraining(x, tokenizer)
      : await prepareClassification(x, tokenizer, prep.onDataProgress);
  if (maxLength > d.model.config.max_position_embeddings)
    throw new DataError(
      `data.max_length ${maxLength} exceeds the model's max_position_embeddings (${d.model.config.max_position_embeddings})`,
    );

  const summary = summarize(
    { train: d.train, validation: d.evalSet, test: d.test },
    {
      problemType: d.kind === 'classification' ? d.problemType : d.kind,
      numLabels: d.numLabels,
      maxLength,
      labelMap: d.labelMap,
      warnings: d.warnings,
    },
  );
  return { inputs: trainerInputs(c, d), summary, backend, tokenizer: d.tokenizer, test: d.test };
}

/** The run configuration stored in a checkpoint (for `resume` from the checkpoint alone). */
export function readCheckpointConfig(dir: string): RunConfig {
  return JSON.parse(readFileSync(`${dir}/run_config.json`, 'utf8')) as RunConfig;
}
