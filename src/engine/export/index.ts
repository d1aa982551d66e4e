// exportTrainer: writes a self-contained folder that runs the same training on Hugging Face Trainer
// (PyTorch, accelerate/torchrun/SLURM): train.py, bertnb_data.py, requirements.txt,
// accelerate_config.yaml, slurm.sbatch, README.md, tokenizer/ and, on request, data/.
//
// Start model decision: a built-in size (bert-mini…) is randomly initialised in bertnb, so the export
// builds the same BertConfig and starts from random weights too; `pretrainedWeights: true` starts from
// the matching Google compact BERT on the Hub instead. A local folder stays that folder; a hub id stays.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { RunConfig } from '../../schema';
import { BUILTIN_MODELS } from '../../schema';
import { builtinConfig } from '../model/config';
import { bundledVocabPath } from '../tokenizer';
import { BERTNB_DATA_PY } from './bertnbData';
import { trainPy } from './trainPy';
import { acceleratePlan, accelerateConfigYaml, slurmScript } from './launch';
import { readme } from './readme';
import { REQUIREMENTS } from './requirements';
import { stringify as yamlStringify } from 'yaml';
import { claimExportDir, type FolderUse } from '../train/outputDir';

/** Google's compact BERTs (Turc et al., 2019) with the same sizes as bertnb's built-ins. */
export const HUB_EQUIVALENT: Record<(typeof BUILTIN_MODELS)[number], string> = {
  'bert-tiny': 'google/bert_uncased_L-2_H-128_A-2',
  'bert-mini': 'google/bert_uncased_L-4_H-256_A-4',
  'bert-small': 'google/bert_uncased_L-4_H-512_A-8',
  'bert-medium': 'google/bert_uncased_L-8_H-512_A-8',
  'bert-base': 'google-bert/bert-base-uncased',
};

export interface ExportOptions {
  /** Processes (GPUs) per machine (default 1). */
  processesPerMachine?: number;
  machines?: number;
  mixedPrecision?: 'no' | 'fp16' | 'bf16';
  /** Folder relative paths in the config are relative to (the config file's or notebook's folder). Default: cwd. */
  baseDir?: string;
  /** Copy the data files into DIR/data so the folder can be moved to another machine. */
  copyData?: boolean;
  /** Built-in sizes start from Google's pretrained compact BERT instead of random weights. */
  pretrainedWeights?: boolean;
  /** BertConfig values from a notebook's %model cell (hidden_dropout_prob, attention_probs_dropout_prob). */
  modelOverrides?: Record<string, number>;
  /** Shown in train.py and the README as where the run came from. */
  source?: string;
  /**
   * Whether the export may write into a non-empty folder that is not bertnb's (replacing only the
   * files it writes), and how the refusal names the folder and this way out (CLI flag or cell key).
   */
  ownership?: { overwrite: boolean; use: FolderUse; wayOut: string };
}

/** What an export writes, for the ownership message: everything else in the folder stays. */
export const EXPORT_WRITES =
  'train.py, bertnb_data.py, requirements.txt, accelerate_config.yaml, slurm.sbatch, run_config.yaml, README.md, tokenizer/ and data/';

export interface ExportResult {
  outDir: string;
  files: string[];
  /** Options the Trainer run cannot honour exactly (also listed in README.md). */
  warnings: string[];
}

/** Keys of the run configuration the Trainer run takes from somewhere other than TrainingArguments. */
export function handledElsewhere(c: RunConfig): Array<{ key: string; where: string }> {
  return [
    {
      key: 'training.early_stopping_patience',
      where:
        c.training.early_stopping_patience === null
          ? 'off (no EarlyStoppingCallback)'
          : 'EarlyStoppingCallback(early_stopping_patience=…) in train.py',
    },
    {
      key: 'training.early_stopping_threshold',
      where: 'EarlyStoppingCallback(early_stopping_threshold=…) in train.py',
    },
    {
      key: 'training.backend',
      where: 'not applicable: PyTorch chooses the device (CUDA when present); accelerate/torchrun place processes',
    },
    {
      key: 'training.num_threads',
      where:
        "not applicable: bertnb's CPU training threads; PyTorch sizes its own thread pool (torch.set_num_threads), accelerate/torchrun place processes",
    },
    {
      key: 'training.tags',
      where:
        "not applicable: bertnb's own labels of the run (kept in its bertnb_run.json); TrainingArguments has no tags",
    },
    { key: 'task', where: 'TASK in train.py (BertForSequenceClassification, or BertForPreTraining / BertForMaskedLM)' },
    { key: 'model', where: 'MODEL in train.py' },
    { key: 'tokenizer', where: "TOKENIZER in train.py (tokenizer/ folder of the export, or the model's own)" },
    {
      key: 'data.*',
      where: 'DATA in train.py, read by bertnb_data.py (same readers, cleaning, labels and split as bertnb)',
    },
    { key: 'data.bucket_by_length', where: 'TrainingArguments(group_by_length=…)' },
    {
      key: 'pretraining.*',
      where:
        'PRETRAINING in train.py: DataCollatorForLanguageModeling / whole-word masking collator, BertForPreTraining for NSP',
    },
  ];
}

export async function exportTrainer(
  config: RunConfig,
  outDir: string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const baseDir = resolve(opts.baseDir ?? process.cwd());
  const out = resolve(outDir);
  const processes = opts.processesPerMachine ?? 1;
  const machines = opts.machines ?? 1;
  const mixedPrecision = opts.mixedPrecision ?? 'no';
  if (!Number.isInteger(processes) || processes < 1)
    throw new Error(`processes per machine must be a positive integer, got ${processes}`);
  if (!Number.isInteger(machines) || machines < 1)
    throw new Error(`machines must be a positive integer, got ${machines}`);
  if (!config.data.train) throw new Error('data.train: the export needs the training file');
  const own = opts.ownership ?? { overwrite: false, use: 'export-trainer --out', wayOut: 'pass --overwrite' };
  const notice = claimExportDir(out, { ...own, writes: EXPORT_WRITES, what: 'Hugging Face Trainer export' });
  const files: string[] = [];
  const warnings: string[] = [];
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  // The order matters: files and warnings are listed in the README in the order they were added.
  const data = placeData(config, out, abs, !!opts.copyData, files, warnings);
  const builtin = (BUILTIN_MODELS as readonly string[]).includes(config.model)
    ? (config.model as (typeof BUILTIN_MODELS)[number])
    : undefined;
  const model = startModel(config, builtin, !!opts.pretrainedWeights, baseDir, abs, warnings);
  const tokenizerDir = exportTokenizer(config, builtin, abs, out, files);
  warnings.push(...pytorchDifferences(config, mixedPrecision, processes * machines));

  const write = (name: string, text: string) => {
    mkdirSync(dirname(join(out, name)), { recursive: true });
    writeFileSync(join(out, name), text);
    files.push(name);
  };
  const dataSeed = config.data.split.seed ?? config.training.data_seed ?? config.training.seed;
  const source = opts.source ?? 'a bertnb run configuration';
  write(
    'train.py',
    trainPy({
      config,
      source,
      model,
      tokenizerDir,
      data,
      dataSeed,
      modelOverrides: opts.modelOverrides ?? {},
      mixedPrecision,
    }),
  );
  write('bertnb_data.py', BERTNB_DATA_PY);
  write('requirements.txt', REQUIREMENTS);
  const plan = acceleratePlan({ processesPerMachine: processes, machines, mixedPrecision });
  write('accelerate_config.yaml', accelerateConfigYaml(plan));
  write('slurm.sbatch', slurmScript(plan, basename(out)));
  write(
    'run_config.yaml',
    `# The bertnb run configuration this folder was exported from (for reference).\n${yamlStringify(config)}`,
  );
  write(
    'README.md',
    readme({
      config,
      plan,
      warnings,
      handledElsewhere: handledElsewhere(config),
      source,
      model,
      files: [...files, 'README.md'],
    }),
  );
  // The folder notice is for the person exporting, not part of the README's list of differences.
  return { outDir: out, files, warnings: notice ? [notice, ...warnings] : warnings };
}

/**
 * The data files train.py reads: copied into data/ (so the folder can move to another machine) or
 * referenced by absolute path where they are. Returns the config's data section with those paths.
 */
function placeData(
  c: RunConfig,
  out: string,
  abs: (p: string) => string,
  copyData: boolean,
  files: string[],
  warnings: string[],
): RunConfig['data'] {
  const data = structuredClone(c.data);
  for (const role of ['train', 'validation', 'test'] as const) {
    const p = data[role];
    if (p === null) continue;
    if (copyData) {
      const name = `data/${role}-${basename(p)}`;
      mkdirSync(join(out, 'data'), { recursive: true });
      copyFileSync(abs(p), join(out, name));
      files.push(name);
      data[role] = name;
    } else {
      data[role] = abs(p);
    }
  }
  if (!copyData)
    warnings.push(
      'data files are referenced by absolute paths on this machine; pass --copy-data (or edit DATA in train.py) to run elsewhere',
    );
  return data;
}

type ExportModel = Parameters<typeof trainPy>[0]['model'];

/** The BertConfig keys a built-in size is rebuilt from in train.py (the rest are Hugging Face defaults). */
const BUILTIN_CONFIG_KEYS = [
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'hidden_act',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'type_vocab_size',
  'initializer_range',
  'layer_norm_eps',
  'pad_token_id',
];

/** The start model decision described at the top of this file; warns where it differs from bertnb's run. */
function startModel(
  c: RunConfig,
  builtin: (typeof BUILTIN_MODELS)[number] | undefined,
  pretrainedWeights: boolean,
  baseDir: string,
  abs: (p: string) => string,
  warnings: string[],
): ExportModel {
  if (builtin && !pretrainedWeights) {
    const full = builtinConfig(builtin) as unknown as Record<string, unknown>;
    const cfg = Object.fromEntries(BUILTIN_CONFIG_KEYS.filter((k) => k in full).map((k) => [k, full[k]]));
    return { kind: 'builtin', name: builtin, config: cfg, hubEquivalent: HUB_EQUIVALENT[builtin] };
  }
  if (builtin) {
    warnings.push(
      `model: starting from ${HUB_EQUIVALENT[builtin]} (pretrained weights), while bertnb's ${builtin} starts from random weights`,
    );
    return { kind: 'hub', path: HUB_EQUIVALENT[builtin] };
  }
  if (looksLocal(c.model, baseDir)) {
    const p = abs(c.model);
    if (!existsSync(join(p, 'config.json')))
      throw new Error(`model: ${p} is not a Hugging Face model folder (no config.json)`);
    warnings.push(
      `model: the local folder ${p} is referenced by its absolute path; copy it along (and edit MODEL in train.py) to run elsewhere`,
    );
    return { kind: 'folder', path: p };
  }
  return { kind: 'hub', path: c.model };
}

/**
 * Copies the configured tokenizer (or, for a built-in size, bertnb's bundled vocabulary) into
 * tokenizer/; returns that folder's name, or null when train.py should use the model's own.
 */
function exportTokenizer(
  c: RunConfig,
  builtin: string | undefined,
  abs: (p: string) => string,
  out: string,
  files: string[],
): string | null {
  const src = c.tokenizer ? abs(c.tokenizer) : builtin ? bundledVocabPath() : null;
  if (src === null) return null;
  files.push(...copyTokenizer(src, join(out, 'tokenizer')).map((f) => `tokenizer/${f}`));
  return 'tokenizer';
}

/** What cannot be the same on PyTorch, for the README and the person exporting. */
function pytorchDifferences(
  c: RunConfig,
  mixedPrecision: NonNullable<ExportOptions['mixedPrecision']>,
  world: number,
): string[] {
  const warnings: string[] = [
    "seed: the same seed drives PyTorch's generators, so initial weights, dropout masks, shuffling and MLM masks differ from the bertnb run; losses agree in distribution, not step for step",
  ];
  if (c.training.backend !== 'auto')
    warnings.push(
      `backend: '${c.training.backend}' has no PyTorch meaning and is ignored (PyTorch uses CUDA when present)`,
    );
  if (c.training.num_threads !== null)
    warnings.push(
      `num_threads: ${c.training.num_threads} is bertnb's own CPU thread count and is ignored (PyTorch sizes its own thread pool)`,
    );
  if (c.data.bucket_by_length)
    warnings.push(
      "data.bucket_by_length: becomes group_by_length=True, whose megabatch grouping differs from bertnb's buckets",
    );
  if (c.task === 'pretraining' && c.pretraining.whole_word_masking)
    warnings.push(
      "pretraining.whole_word_masking: uses Hugging Face's whole-word masking (same rule: all pieces of a chosen word; different random draws)",
    );
  if (mixedPrecision !== 'no')
    warnings.push(`mixed precision ${mixedPrecision}: bertnb trains in float32; numbers will differ slightly`);
  if (world > 1) {
    const perStep = c.training.per_device_train_batch_size * c.training.gradient_accumulation_steps;
    warnings.push(
      `batch size: per_device_train_batch_size applies per process, so ${world} processes train on ${perStep * world} examples per optimizer step instead of ${perStep}; lower it or gradient_accumulation_steps to keep bertnb's effective batch`,
    );
  }
  if (typeof c.training.resume_from_checkpoint === 'string') {
    warnings.push(
      'resume_from_checkpoint: a bertnb checkpoint resumes weights and step on Trainer, but not optimizer/scheduler/RNG state (Trainer expects optimizer.pt etc.)',
    );
  }
  if (
    c.training.label_smoothing_factor > 0 &&
    c.data.problem_type !== null &&
    c.data.problem_type !== 'single_label_classification'
  ) {
    warnings.push(
      `label_smoothing_factor: Trainer applies it as for single-label classification even with problem_type ${c.data.problem_type}`,
    );
  }
  return warnings;
}

function looksLocal(model: string, baseDir: string): boolean {
  return isAbsolute(model) || model.startsWith('./') || model.startsWith('../') || existsSync(resolve(baseDir, model));
}

const TOKENIZER_FILES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Copies a vocab.txt / tokenizer.json / tokenizer folder; adds a tokenizer_config.json AutoTokenizer understands. */
function copyTokenizer(src: string, dest: string): string[] {
  mkdirSync(dest, { recursive: true });
  const copied: string[] = [];
  if (statSync(src).isDirectory()) {
    for (const f of readdirSync(src))
      if (TOKENIZER_FILES.includes(f)) (copyFileSync(join(src, f), join(dest, f)), copied.push(f));
    if (!copied.includes('vocab.txt') && !copied.includes('tokenizer.json'))
      throw new Error(`tokenizer: no vocab.txt or tokenizer.json in ${src}`);
  } else {
    const name = basename(src).endsWith('.json') ? 'tokenizer.json' : 'vocab.txt';
    copyFileSync(src, join(dest, name));
    copied.push(name);
  }
  if (!copied.includes('tokenizer_config.json')) {
    let lower = true;
    if (copied.includes('tokenizer.json')) {
      // A tokenizer.json says whether it lowercases in its normalizer.
      const tj = JSON.parse(readFileSync(join(dest, 'tokenizer.json'), 'utf8')) as {
        normalizer?: { lowercase?: boolean };
      };
      lower = tj.normalizer?.lowercase ?? true;
    }
    const cfg = {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: lower,
      model_max_length: 512,
      unk_token: '[UNK]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      cls_token: '[CLS]',
      mask_token: '[MASK]',
      tokenize_chinese_chars: true,
      strip_accents: null,
      clean_up_tokenization_spaces: true,
    };
    writeFileSync(join(dest, 'tokenizer_config.json'), JSON.stringify(cfg, null, 2) + '\n');
    copied.push('tokenizer_config.json');
  }
  return copied;
}
