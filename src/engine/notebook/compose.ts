// The one composer from notebook cells to a run configuration, used when a %train/%pretrain cell runs
// (execute.ts) and when a notebook is exported as a Hugging Face Trainer run (export/notebook.ts), so
// what the export writes is what running the cells trains.
//
// A notebook session remembers what earlier cells chose: the latest %model (its name, tokenizer,
// labels, backend, dropout), the latest %data, and the output of a %pretrain run since that %model,
// which a following %train fine-tunes. `afterCell` is that memory's rule; `composeRunConfig` turns a
// training cell plus the memory into the run configuration's input (validated by the schema later).
import { pretrainingFields } from '../../schema';
import type { Step } from './steps';

export type CellConfig = Record<string, unknown>;

/** What the cells run so far chose, as the kernel remembers it. */
export interface NotebookChoices {
  /** The latest %model cell's keys. */
  model?: CellConfig;
  /** The latest %data cell's keys. */
  data?: CellConfig;
  /** output_dir of a %pretrain run since the latest %model cell: where a %train starts from. */
  pretrained?: string;
}

export type TrainingStep = Extract<Step, 'train' | 'pretrain'>;

/** Turns a path a cell wrote into the one the run uses (the kernel: absolute against the notebook's folder). */
export type PathMap = (p: string) => string;

const asIs: PathMap = (p) => p;

/** The session's memory after `step` ran with `config` (for %pretrain: and finished, writing its output_dir). */
export function afterCell(
  choices: NotebookChoices,
  step: Step,
  config: CellConfig,
  path: PathMap = asIs,
): NotebookChoices {
  switch (step) {
    case 'model':
      // A new %model cell starts over from its own weights.
      return { ...choices, model: config, pretrained: undefined };
    case 'data':
      return { ...choices, data: config };
    case 'pretrain':
      return { ...choices, pretrained: path(outputDirOf(config)) };
    default:
      return choices;
  }
}

function outputDirOf(cell: CellConfig): string {
  return typeof cell.output_dir === 'string' && cell.output_dir ? cell.output_dir : 'trainer_output';
}

/** A %data cell's keys with its file paths mapped. */
export function dataSection(data: CellConfig, path: PathMap = asIs): CellConfig {
  const out: CellConfig = { ...data };
  for (const k of ['train', 'validation', 'test'] as const)
    if (typeof out[k] === 'string' && out[k]) out[k] = path(out[k] as string);
  return out;
}

/** The run configuration (before validation) that a %train/%pretrain cell means after `choices`. */
export function composeRunConfig(
  step: TrainingStep,
  cell: CellConfig,
  choices: NotebookChoices,
  path: PathMap = asIs,
): CellConfig {
  const model = choices.model ?? {};
  const pretraining: CellConfig = {};
  const training: CellConfig = {};
  for (const [k, v] of Object.entries(cell)) (k in pretrainingFields ? pretraining : training)[k] = v;
  training.output_dir = path(outputDirOf(cell));
  if (typeof training.logging_dir === 'string' && training.logging_dir)
    training.logging_dir = path(training.logging_dir);
  const resume = training.resume_from_checkpoint;
  if (typeof resume === 'string') training.resume_from_checkpoint = resume ? path(resume) : undefined;
  if (training.backend === undefined && model.backend !== undefined) training.backend = model.backend;
  const data = dataSection(choices.data ?? {}, path);
  if (data.label_list === undefined && Array.isArray(model.labels)) data.label_list = model.labels;
  // Fine-tuning after a %pretrain starts from its weights (and the vocabulary saved with them).
  const base = step === 'train' ? choices.pretrained : undefined;
  const name = base ?? model.name;
  const tokenizer = !base && typeof model.tokenizer === 'string' && model.tokenizer ? path(model.tokenizer) : undefined;
  return {
    task: step === 'pretrain' ? 'pretraining' : 'sequence-classification',
    ...(name !== undefined ? { model: name } : {}),
    ...(tokenizer !== undefined ? { tokenizer } : {}),
    data,
    training,
    ...(step === 'pretrain' ? { pretraining } : {}),
  };
}
