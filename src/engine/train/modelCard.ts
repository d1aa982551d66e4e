// The model card: README.md in every model folder bertnb saves, in Hugging Face's format (YAML
// metadata the Hub reads, then the data, hyperparameters, how the best checkpoint was picked, the
// classification report, and intended use / limitations left for the user to fill). A README.md that
// bertnb did not write is never replaced; the user's text in the sections left to fill is kept.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import type { RunConfig } from '../../schema';
import type { DataSummary } from '../data';
import type { EvaluationReport, RunWarning } from '../../protocol/evaluation';
import { formatReport } from './report';
import { writeFileAtomic } from './atomic';

export const MODEL_CARD = 'README.md';
/** The first line of every card bertnb writes: how it knows a README.md is its own to rewrite. */
export const CARD_MARKER =
  '<!-- This model card was written by bertnb. Edit the parts between the "fill in" markers: they are kept when bertnb rewrites the card. -->';
const FILL_START = '<!-- fill in: start -->';
const FILL_END = '<!-- fill in: end -->';

export interface CardEvaluation {
  /** 'validation', 'test' or a file name. */
  split: string;
  /** The step it was evaluated at, where that is not the folder's own step (a stopped run's last evaluation). */
  step?: number;
  /** Scalar metrics without a prefix (accuracy, f1_macro, loss, …). */
  metrics: Record<string, number>;
  report?: EvaluationReport;
}

export interface ModelCardInputs {
  config: RunConfig;
  summary?: DataSummary;
  evaluations: CardEvaluation[];
  /** trainer_state.json's choice: the metric, its value, the checkpoint. */
  best?: { metric: string; value: number | null; checkpoint: string | null };
  globalStep?: number;
  warnings?: RunWarning[];
  /**
   * A model saved before the run's end: a checkpoint written during training, or the last checkpoint
   * of a run that was stopped (step N of maxSteps). Absent for the final model in output_dir.
   */
  progress?: CardProgress;
}

export interface CardProgress {
  state: 'checkpoint' | 'stopped';
  step: number;
  /** The steps the run was planned for (0 when unknown). */
  maxSteps: number;
}

/** Hub metric ids for our metric names (HF `evaluate`'s names); the rest keep their own. */
const HUB_METRIC: Record<string, { type: string; name: string }> = {
  accuracy: { type: 'accuracy', name: 'Accuracy' },
  f1_macro: { type: 'f1', name: 'F1 (macro)' },
  f1_micro: { type: 'f1', name: 'F1 (micro)' },
  precision_macro: { type: 'precision', name: 'Precision (macro)' },
  recall_macro: { type: 'recall', name: 'Recall (macro)' },
  mcc: { type: 'matthews_correlation', name: 'MCC' },
  mse: { type: 'mse', name: 'MSE' },
  mae: { type: 'mae', name: 'MAE' },
  pearson: { type: 'pearsonr', name: 'Pearson r' },
  loss: { type: 'loss', name: 'Loss' },
  perplexity: { type: 'perplexity', name: 'Perplexity' },
};

const TASK: Record<string, { type: string; name: string; tags: string[] }> = {
  'sequence-classification': {
    type: 'text-classification',
    name: 'Text Classification',
    tags: ['text-classification'],
  },
  mlm: { type: 'fill-mask', name: 'Masked Language Modeling', tags: ['fill-mask'] },
  pretraining: { type: 'fill-mask', name: 'BERT pretraining (MLM + NSP)', tags: ['fill-mask'] },
};

/** A Hub id (owner/name) where the config names one; local files and built-in names are not. */
const hubId = (s: unknown): string | undefined =>
  typeof s === 'string' && /^[\w.-]+\/[\w.-]+$/.test(s) && !existsSync(s) ? s : undefined;

/** The card's YAML metadata: what the Hub indexes and renders in the model page's side bar. */
export function cardMetadata(inp: ModelCardInputs): Record<string, unknown> {
  const c = inp.config;
  const task = TASK[c.task] ?? TASK['sequence-classification'];
  const meta: Record<string, unknown> = {
    library_name: 'transformers',
    license: 'other',
    tags: ['bertnb', 'bert', ...task.tags, 'generated_from_trainer'],
  };
  const base = hubId(c.model);
  if (base) meta.base_model = base;
  const datasets = [c.data.train, c.data.validation, c.data.test].map(hubId).filter((x): x is string => !!x);
  if (datasets.length) meta.datasets = [...new Set(datasets)];
  const first = inp.evaluations[0];
  if (first) {
    const shown = Object.keys(first.metrics).filter((k) => HUB_METRIC[k]);
    meta.metrics = [...new Set(shown.map((k) => HUB_METRIC[k].type))];
    meta['model-index'] = [
      {
        name: runName(c),
        results: inp.evaluations.map((e) => ({
          task: { type: task.type, name: task.name },
          dataset: { name: basename(String(splitFile(c, e.split) ?? e.split)), type: 'csv', split: e.split },
          metrics: Object.entries(e.metrics)
            .filter(([k]) => HUB_METRIC[k])
            .map(([k, v]) => ({ type: HUB_METRIC[k].type, value: v, name: HUB_METRIC[k].name })),
        })),
      },
    ];
  }
  return meta;
}

function splitFile(c: RunConfig, split: string): string | null | undefined {
  return split === 'validation'
    ? c.data.validation
    : split === 'test'
      ? c.data.test
      : split === 'train'
        ? c.data.train
        : split;
}

/** HF's run_name, or the output folder's name. */
export function runName(c: RunConfig): string {
  return c.training.run_name || basename(c.training.output_dir) || 'bertnb-model';
}

function dataSection(inp: ModelCardInputs): string[] {
  const s = inp.summary;
  const out = ['## Training and evaluation data', ''];
  const files = (['train', 'validation', 'test'] as const)
    .filter((k) => inp.config.data[k])
    .map((k) => `- ${k}: \`${inp.config.data[k]}\``);
  out.push(...(files.length ? files : ['- train: (not recorded)']));
  if (!s) return [...out, ''];
  out.push(
    '',
    `Texts were cut to ${s.maxLength} tokens.`,
    '',
    '| split | rows | labels | tokens p50 / p95 / max | truncated |',
    '|---|---|---|---|---|',
  );
  for (const [name, sp] of Object.entries(s.splits)) {
    const labels = sp.labelCounts
      ? Object.entries(sp.labelCounts)
          .map(([l, n]) => `${l}: ${n}`)
          .join(', ')
      : '–';
    out.push(
      `| ${name} | ${sp.rows} | ${labels} | ${sp.tokens.p50} / ${sp.tokens.p95} / ${sp.tokens.max} | ${sp.truncated} |`,
    );
  }
  return [...out, ''];
}

const HYPERPARAMETERS = [
  'learning_rate',
  'per_device_train_batch_size',
  'per_device_eval_batch_size',
  'gradient_accumulation_steps',
  'num_train_epochs',
  'max_steps',
  'seed',
  'optim',
  'adam_beta1',
  'adam_beta2',
  'adam_epsilon',
  'weight_decay',
  'lr_scheduler_type',
  'warmup_ratio',
  'warmup_steps',
  'max_grad_norm',
  'label_smoothing_factor',
] as const;

function trainedFor(inp: ModelCardInputs): string {
  const p = inp.progress;
  if (p) return ` for ${p.step}${p.maxSteps ? ` of ${p.maxSteps} planned` : ''} steps`;
  return inp.globalStep ? ` for ${inp.globalStep} steps` : '';
}

function hyperparameterSection(inp: ModelCardInputs): string[] {
  const t = inp.config.training as unknown as Record<string, unknown>;
  const rows = HYPERPARAMETERS.filter((k) => t[k] !== undefined && t[k] !== null).map((k) => `- ${k}: ${t[k]}`);
  const out = [
    '## Training procedure',
    '',
    `Trained with bertnb (BERT in TensorFlow.js) from \`${inp.config.model}\`${trainedFor(inp)}.`,
    '',
    '### Training hyperparameters',
    '',
    ...rows,
    `- max_length: ${inp.config.data.max_length}`,
    '',
  ];
  if (inp.progress) {
    const best = inp.best?.checkpoint
      ? ` The best checkpoint so far by \`${inp.best.metric}\` (${inp.best.value ?? 'n/a'}) is \`${basename(inp.best.checkpoint)}\`.`
      : '';
    out.push(`This folder holds the model as it was at step ${inp.progress.step}.${best}`, '');
  } else if (inp.best?.checkpoint) {
    out.push(
      `The best checkpoint was chosen by \`${inp.best.metric}\` (${inp.best.value ?? 'n/a'}): \`${basename(inp.best.checkpoint)}\`; this folder holds ${inp.config.training.load_best_model_at_end ? 'that model' : 'the last model'}.`,
      '',
    );
  } else
    out.push(
      `No best checkpoint was chosen (load_best_model_at_end: ${inp.config.training.load_best_model_at_end}); this folder holds the last model.`,
      '',
    );
  return out;
}

function evaluationSection(inp: ModelCardInputs): string[] {
  const out = ['## Evaluation', ''];
  if (!inp.evaluations.length)
    return [
      ...out,
      inp.progress
        ? `No evaluation had run by step ${inp.progress.step}.`
        : 'No labelled validation or test data was evaluated.',
      '',
    ];
  for (const e of inp.evaluations) {
    out.push(
      `### ${e.split}`,
      '',
      ...(e.step !== undefined
        ? [`Evaluated at step ${e.step}, the last evaluation before this folder was saved.`, '']
        : []),
      '| metric | value |',
      '|---|---|',
      ...Object.entries(e.metrics).map(([k, v]) => `| ${k} | ${Number.isInteger(v) ? v : v.toFixed(4)} |`),
      '',
    );
    if (e.report) out.push('Classification report:', '', '```', formatReport(e.report), '```', '');
    if (e.report?.kind === 'single_label') {
      const labels = e.report.classes.map((c) => c.label);
      out.push(
        'Confusion matrix (rows: true label, columns: predicted):',
        '',
        `| | ${labels.join(' | ')} |`,
        `|---|${labels.map(() => '---|').join('')}`,
      );
      e.report.confusion.forEach((row, i) => out.push(`| **${labels[i]}** | ${row.join(' | ')} |`));
      out.push('');
    }
  }
  if (inp.warnings?.length) out.push('### Warnings', '', ...inp.warnings.map((w) => `- ${w.message}`), '');
  return out;
}

const FILL_DEFAULT = [
  '## Intended uses & limitations',
  '',
  'More information needed: what this model is for, what it must not be used for, and where it is known to fail.',
  '',
].join('\n');

const stepOf = (p: CardProgress) => `step ${p.step}${p.maxSteps ? ` of ${p.maxSteps}` : ''}`;

/** What this folder is, said first, when it is not a finished run's final model. */
function progressNote(p: CardProgress | undefined): string[] {
  if (!p) return [];
  const pct = p.maxSteps ? ` (${Math.round((100 * p.step) / p.maxSteps)}% of the planned training)` : '';
  return p.state === 'stopped'
    ? [
        `> **Stopped:** training was stopped at ${stepOf(p)}${pct}. This folder is the checkpoint saved then: a model that has not finished training. Resume the run from it (\`resume_from_checkpoint\`) to continue.`,
        '',
      ]
    : [
        `> **Checkpoint:** saved at ${stepOf(p)} during training${pct}. If the run went on to finish, its final model is in the run's output folder.`,
        '',
      ];
}

/** The card's Markdown (front matter first); `kept` replaces the section left for the user. */
export function renderModelCard(inp: ModelCardInputs, kept?: string): string {
  const name = runName(inp.config);
  const body = [
    `# ${name}`,
    '',
    `A BERT ${inp.config.task === 'sequence-classification' ? 'text classifier' : 'language model'} trained with bertnb.`,
    '',
    ...progressNote(inp.progress),
    FILL_START,
    kept ?? FILL_DEFAULT,
    FILL_END,
    '',
    ...dataSection(inp),
    ...hyperparameterSection(inp),
    ...evaluationSection(inp),
  ];
  return `---\n${stringify(cardMetadata(inp))}---\n${CARD_MARKER}\n\n${body.join('\n')}`;
}

/** The user's part of a card bertnb wrote earlier (undefined when there is none). */
function keptPart(old: string): string | undefined {
  const a = old.indexOf(FILL_START),
    b = old.indexOf(FILL_END);
  return a >= 0 && b > a
    ? old
        .slice(a + FILL_START.length, b)
        .replace(/^\n/, '')
        .replace(/\n$/, '')
    : undefined;
}

/**
 * Writes README.md into `dir` unless a README.md there is not bertnb's (then a notice says so and
 * nothing is written). Returns the notice, if any.
 */
export function writeModelCard(dir: string, inp: ModelCardInputs): string | undefined {
  const file = join(dir, MODEL_CARD);
  let kept: string | undefined;
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    if (!old.includes(CARD_MARKER))
      return `notice: ${file} was not written by bertnb, so no model card was written over it`;
    kept = keptPart(old);
  }
  writeFileAtomic(file, renderModelCard(inp, kept));
  return undefined;
}

/** Whether `dir` holds a README.md that bertnb did not write (one no card or export may replace). */
export function hasUsersReadme(dir: string): boolean {
  const file = join(dir, MODEL_CARD);
  return existsSync(file) && !readFileSync(file, 'utf8').includes(CARD_MARKER);
}

/**
 * An export of a trained folder takes its model card along: copied when the source card is bertnb's
 * and the destination has no README.md of the user's. Returns whether it was copied.
 */
export function copyModelCard(fromDir: string, toDir: string): boolean {
  const from = join(fromDir, MODEL_CARD),
    to = join(toDir, MODEL_CARD);
  if (!existsSync(from)) return false;
  const card = readFileSync(from, 'utf8');
  if (!card.includes(CARD_MARKER)) return false;
  if (hasUsersReadme(toDir)) return false;
  writeFileAtomic(to, card);
  return true;
}
