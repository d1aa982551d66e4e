// "New Training Notebook": the demo notebook made to live next to its data. The template
// (media/notebook/demo.bertnb) points at the demo data with `../demo/` paths so that it runs where it
// is shipped; a new notebook gets a copy of that data in its own folder (paths relative to the
// notebook, never into the extension's install folder), or is built around a person's own file, with
// its text and label columns detected and a WordPiece vocabulary trained on its texts.
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { readRecords, formatOf } from '../data/readers';
import { trainWordPiece } from '../tokenizer/trainer';
import { parseNotebook, serializeNotebook, type NotebookCell } from './format';

/** The demo files copied next to a new demo notebook (media/demo/). */
export const DEMO_FILES = ['train.csv', 'validation.csv', 'test.csv', 'vocab.txt'] as const;

const TEMPLATE_DATA_PREFIX = '../demo/';

/** `base`, else `base-2`, `base-3`, …: the first name in `dir` that nothing has taken (files or folders). */
export function freeName(dir: string, base: string, ext = '', exists: (p: string) => boolean = existsSync): string {
  for (let i = 1; ; i++) {
    const name = `${base}${i === 1 ? '' : `-${i}`}${ext}`;
    if (!exists(join(dir, name))) return name;
  }
}

/** The demo notebook for a folder that holds DEMO_FILES next to it. */
export function demoNotebookText(template: string): string {
  const nb = parseNotebook(template);
  for (const c of nb.cells) if (c.kind === 'code') c.source = c.source.replaceAll(TEMPLATE_DATA_PREFIX, '');
  return serializeNotebook(nb);
}

export interface DetectedColumns {
  columns: string[];
  textColumn: string;
  labelColumn: string;
  labels: string[];
  /** Rows read to decide (at most SAMPLE_ROWS). */
  rows: number;
  /** A few texts of the file, for the %predict cell. */
  examples: string[];
}

const SAMPLE_ROWS = 2000;
const MAX_CLASSES = 50;
const TEXT_NAMES = /^(text|sentence|review|content|body|comment|document|message|tweet|question)s?$/i;
const LABEL_NAMES = /^(label|labels|class|category|sentiment|target|y|tag|intent|topic)$/i;

interface ColumnStats {
  name: string;
  distinct: Set<string>;
  chars: number;
  filled: number;
}

async function sampleColumns(file: string): Promise<{ stats: ColumnStats[]; rows: Array<Record<string, unknown>> }> {
  const stats = new Map<string, ColumnStats>();
  const rows: Array<Record<string, unknown>> = [];
  for await (const r of readRecords(file, formatOf(file))) {
    rows.push(r.fields);
    for (const [name, v] of Object.entries(r.fields)) {
      const s = stats.get(name) ?? { name, distinct: new Set<string>(), chars: 0, filled: 0 };
      stats.set(name, s);
      const text = v === null || v === undefined ? '' : String(v).trim();
      if (!text) continue;
      s.filled++;
      s.chars += text.length;
      if (s.distinct.size <= MAX_CLASSES) s.distinct.add(text);
    }
    if (rows.length >= SAMPLE_ROWS) break;
  }
  return { stats: [...stats.values()], rows };
}

/**
 * Which column holds the text (the longest values, a name like `text`/`review` first) and which the
 * label (2..50 distinct values, a name like `label`/`class` first). Throws with the columns found when
 * either cannot be told.
 */
export async function detectColumns(file: string): Promise<DetectedColumns> {
  const { stats, rows } = await sampleColumns(file);
  const columns = stats.map((s) => s.name);
  if (rows.length < 2)
    throw new Error(`${basename(file)} has ${rows.length} data row(s); a training file needs labelled rows`);
  const meanChars = (s: ColumnStats) => (s.filled ? s.chars / s.filled : 0);
  const labelLike = stats.filter(
    (s) => s.distinct.size >= 2 && s.distinct.size <= Math.min(MAX_CLASSES, Math.max(2, rows.length / 2)),
  );
  const label =
    labelLike.find((s) => LABEL_NAMES.test(s.name)) ??
    [...labelLike].sort((a, b) => a.distinct.size - b.distinct.size)[0];
  const textLike = stats.filter((s) => s !== label && meanChars(s) > 0);
  const text =
    textLike.find((s) => TEXT_NAMES.test(s.name)) ?? [...textLike].sort((a, b) => meanChars(b) - meanChars(a))[0];
  if (!label || !text)
    throw new Error(
      `cannot tell the ${!text ? 'text' : 'label'} column of ${basename(file)} (columns: ${columns.join(', ') || 'none'})`,
    );
  const examples = rows
    .map((r) => String(r[text.name] ?? '').trim())
    .filter((t) => t.length > 0 && t.length < 200)
    .slice(0, 3);
  return {
    columns,
    textColumn: text.name,
    labelColumn: label.name,
    labels: [...label.distinct].sort(),
    rows: rows.length,
    examples,
  };
}

/** A WordPiece vocabulary of the file's own texts, for a model trained from scratch on it. */
export async function trainVocabulary(
  file: string,
  textColumn: string,
  vocabSize = 4000,
  maxRows = 50_000,
): Promise<string[]> {
  async function* texts(): AsyncGenerator<string> {
    let n = 0;
    for await (const r of readRecords(file, formatOf(file))) {
      const t = r.fields[textColumn];
      if (t !== undefined && t !== null) yield String(t);
      if (++n >= maxRows) return;
    }
  }
  return trainWordPiece(texts(), { vocabSize });
}

export interface OwnDataOptions {
  /** The data file, relative to the notebook's folder. */
  train: string;
  columns: DetectedColumns;
  /** The vocabulary file, relative to the notebook's folder. */
  vocab: string;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** The demo notebook rewritten for a person's own file: no test split, validation carved from train. */
export function ownDataNotebookText(template: string, o: OwnDataOptions): string {
  const nb = parseNotebook(template);
  const c = o.columns;
  const step = (cell: NotebookCell) => (cell.kind === 'code' ? cell.source.split('\n')[0].trim() : '');
  for (const cell of nb.cells) {
    const first = step(cell);
    if (first === '%model')
      cell.source = [
        '%model',
        'name: bert-tiny',
        'task: sequence-classification',
        `tokenizer: ${yamlString(o.vocab)}`,
        'backend: auto',
      ].join('\n');
    if (first === '%data')
      cell.source = [
        '%data',
        `train: ${yamlString(o.train)}`,
        `text_column: ${yamlString(c.textColumn)}`,
        `label_column: ${yamlString(c.labelColumn)}`,
        'max_length: 128',
        'clean_text: true',
      ].join('\n');
    if (first === '%evaluate') cell.source = '%evaluate\nsplit: validation';
    if (first === '%predict' && c.examples.length)
      cell.source = ['%predict', 'text:', ...c.examples.map((t) => `  - ${yamlString(t)}`)].join('\n');
    if (first.startsWith('%train') || first.startsWith('%export'))
      cell.source = cell.source.replaceAll('/demo', `/${basename(o.train, extname(o.train))}`);
  }
  nb.metadata.title = `Train a BERT classifier on ${basename(o.train)}`;
  nb.cells.unshift({
    kind: 'markdown',
    source: [
      `# Your data: ${basename(o.train)}`,
      '',
      `Detected from its first ${c.rows} rows: text in \`${c.textColumn}\`, labels in \`${c.labelColumn}\` (${c.labels.length} classes: ${c.labels.slice(0, 8).join(', ')}${c.labels.length > 8 ? ', …' : ''}).`,
      'Change them in the `%data` cell if that is wrong. 10% of the rows are held out for validation (the `split` key);',
      `\`${o.vocab}\` is a WordPiece vocabulary trained on your texts for the model trained from scratch below.`,
      "The rest of this notebook is the demo's, explained on the demo data; its timings are for the demo.",
    ].join('\n'),
    metadata: {},
    outputs: [],
  });
  return serializeNotebook(nb);
}

/** The pretrained model of the optional last section: Google's bert-mini, the demo's size class. */
export const PRETRAINED = { hubId: 'google/bert_uncased_L-4_H-256_A-4', parameters: 11.2e6 } as const;

export interface PretrainedSectionOptions {
  /** The snapshot is in the Hugging Face cache: its cells run offline, so Run All may run them. */
  cached: boolean;
  /** The notebook's %data cell, repeated: the pretrained model's own vocabulary re-tokenizes the data. */
  dataCell: string;
  labels?: string[];
}

const markdown = (lines: string[]): NotebookCell => ({
  kind: 'markdown',
  source: lines.join('\n'),
  metadata: {},
  outputs: [],
});
const code = (lines: string[]): NotebookCell => ({ kind: 'code', source: lines.join('\n'), metadata: {}, outputs: [] });

/**
 * The optional "fine-tune a pretrained model" section. Run All must never start a download nobody asked
 * for (and must not fail without a network), so its cells are real code cells only when the model is
 * already in the Hugging Face cache; otherwise they are shown as text to copy into cells, with the
 * download size first.
 */
export function pretrainedSection(o: PretrainedSectionOptions): NotebookCell[] {
  const mb = Math.round((PRETRAINED.parameters * 4) / 1e6);
  const cells = [
    [
      '%model',
      `name: ${PRETRAINED.hubId}`,
      'task: sequence-classification',
      ...(o.labels ? [`labels: [${o.labels.join(', ')}]`] : []),
    ],
    o.dataCell.split('\n'),
    [
      '%train',
      'output_dir: ./results/pretrained',
      'num_train_epochs: 2',
      'per_device_train_batch_size: 16',
      'learning_rate: 5.0e-5',
      'warmup_ratio: 0.1',
      'weight_decay: 0.01',
      'eval_strategy: epoch',
      'save_strategy: epoch',
      'logging_steps: 5',
      'seed: 42',
    ],
    ['%evaluate', 'split: validation'],
  ];
  const intro = [
    '## 9. Optional: fine-tune a pretrained BERT',
    '',
    `\`${PRETRAINED.hubId}\` is Google's bert-mini after pretraining on English text: it already knows words,`,
    'so it learns a task from far fewer examples than a model from scratch. It uses its own 30,522-token',
    "vocabulary, so the `%data` cell runs again, and the paper's fine-tuning rate 5e-5 (large updates would",
    'wreck what it learned). It is about 4× slower per step than bert-tiny.',
    '',
    `**Download: about ${mb} MB** (${(PRETRAINED.parameters / 1e6).toFixed(1)} M float32 weights), once, into the Hugging Face cache.`,
  ];
  if (o.cached)
    return [
      markdown([...intro, '', 'It is already in your Hugging Face cache, so these cells run offline.']),
      ...cells.map(code),
    ];
  return [
    markdown([
      ...intro,
      '',
      'It is not in your Hugging Face cache, so these cells are text here: Run All never starts a download.',
      'To try it, add a code cell below for each block (**+ Code**) and run them; the first downloads the model.',
      '',
      ...cells.flatMap((c) => ['```', ...c, '```', '']),
    ]),
  ];
}
