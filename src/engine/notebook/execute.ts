// Running cells: parse and validate a cell, turn it into a kernel op with the session's earlier choices
// (%model, %data) filled in, and turn the op's result and live training events into output items.
// Shared by the VS Code controller and `bertnb run`, so a notebook behaves the same in both.
// The heavy state (weights, tokenizer, training) is in the kernel process; this object only remembers
// which model, data and trained folder the earlier cells chose, to compose the later ops.
import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { CellConfigError, parseCell, textsOf } from './cells';
import type { NotebookCell, OutputItem } from './format';
import { KernelOpError, type KernelBackend, type KernelEvent } from './kernel';
import { trainingOutputOf } from './series';
import { savedModelOf } from './savedModel';
import { RunStore } from '../runs/store';
import { ChartExtras } from './chartData';
import type { KernelOp, OpArgs, RunRecord } from '../../protocol';
import { toPlainText } from './text';
import { modelConfigOverrides } from './steps';
import { afterCell, composeRunConfig, dataSection, type NotebookChoices, type TrainingStep } from './compose';
import {
  NOTEBOOK_MIME,
  type MetricsOutput,
  type NotebookOutputKind,
  type NotebookOutputPayloads,
  type PredictionsOutput,
} from '../../protocol/notebook-outputs';

export interface CellRunOptions {
  /** Replace the cell's outputs while it runs (live training chart); called at most `liveRate` per second. */
  onLiveOutput?: (items: OutputItem[]) => void;
  /** Log lines (kernel warnings, checkpoint paths). */
  onLog?: (message: string) => void;
  /** Every cell of the notebook as it is now, for `%export format: trainer` (the notebook's whole run). */
  notebookCells?: Array<Pick<NotebookCell, 'kind' | 'source'>>;
  /** How the run store (the monitor's Stop) stops this cell's training; default: the backend's interrupt. */
  stop?: () => void;
}

export interface CellRunResult {
  items: OutputItem[];
  /** False when training was stopped early (still a useful result, with a checkpoint). */
  completed: boolean;
}

export function outputItems<K extends NotebookOutputKind>(kind: K, payload: NotebookOutputPayloads[K]): OutputItem[] {
  return [
    { mime: NOTEBOOK_MIME[kind], data: payload },
    { mime: 'text/plain', data: toPlainText(kind, payload) },
  ];
}

export interface KernelOptions {
  /** Folder that relative paths in cells are resolved against (the notebook's folder). */
  cwd: string;
  /** Live chart updates per second at most. */
  liveRate?: number;
  /** Points kept in the live chart payload. */
  maxChartPoints?: number;
  /** The host's run store, where this notebook's trainings are runs like any other; default: one of its own. */
  store?: RunStore;
  /** The runs' label in the store (the notebook's name). */
  label?: string;
}

/**
 * A cell's values as op `K`'s arguments. parseCell has checked them against the cell's schema, and the
 * worker checks what it acts on again: the one place cell values take their op's type.
 */
const cellArgs = <K extends KernelOp>(_op: K, values: Record<string, unknown>): OpArgs<K> => values as OpArgs<K>;

export class NotebookKernel {
  /**
   * What the earlier %model, %data and %pretrain cells chose (compose.ts): the %model name is resolved
   * against cwd when it is a local folder; the other paths are resolved when a run is composed.
   */
  private choices: NotebookChoices = {};
  private labels: string[] = [];
  /** The folder holding the current weights, for %evaluate/%predict/%export (trained output_dir or a model folder). */
  private modelDir: string | undefined;

  readonly store: RunStore;

  constructor(
    readonly backend: KernelBackend,
    private readonly opts: KernelOptions,
  ) {
    this.store = opts.store ?? new RunStore({ maxPoints: opts.maxChartPoints, updatesPerSecond: opts.liveRate });
  }

  private abs(p: unknown): string | undefined {
    return typeof p === 'string' && p ? (isAbsolute(p) ? p : resolve(this.opts.cwd, p)) : undefined;
  }

  /** The %data cell's settings, with its file paths as the run uses them. */
  private get data(): Record<string, unknown> | undefined {
    return this.choices.data && dataSection(this.choices.data, this.path);
  }

  private readonly path = (p: string): string => this.abs(p) ?? p;

  /** Run a cell's source. Throws CellConfigError (invalid cell), KernelOpError, or KernelDiedError. */
  async run(source: string, run: CellRunOptions = {}): Promise<CellRunResult> {
    const parsed = parseCell(source);
    if (!parsed.ok || !parsed.step) throw new CellConfigError(parsed.diagnostics);
    const c = parsed.config;
    const cwd = this.opts.cwd;
    const log = (e: KernelEvent) => e.kind === 'log' && run.onLog?.(e.message);
    switch (parsed.step) {
      case 'model': {
        const r = await this.backend.request('model', cellArgs('model', { cwd, ...c }), log);
        const local = this.abs(c.name);
        this.choices = afterCell(this.choices, 'model', { ...c, name: local && existsSync(local) ? local : c.name });
        // A folder with config.json is already a usable model for %evaluate/%predict.
        this.modelDir = local && existsSync(resolve(local, 'config.json')) ? local : undefined;
        if (Array.isArray(c.labels)) this.labels = c.labels.map(String);
        return { items: outputItems('model', r), completed: true };
      }
      case 'tokenize': {
        const r = await this.backend.request(
          'tokenize',
          cellArgs('tokenize', {
            texts: textsOf(c.text, c.pair),
            max_length: c.max_length ?? this.data?.max_length ?? null,
            truncation: c.truncation,
          }),
          log,
        );
        return { items: outputItems('tokens', r), completed: true };
      }
      case 'data': {
        const r = await this.backend.request('data', cellArgs('data', { cwd, ...c }), log);
        this.choices = afterCell(this.choices, 'data', c);
        if (r.labels.length) this.labels = r.labels;
        return { items: outputItems('data', r), completed: true };
      }
      case 'train':
      case 'pretrain':
        return this.train(parsed.step, c, run);
      case 'evaluate':
        return this.evaluate(c, log);
      case 'predict': {
        const dir = this.requireModelDir('%predict');
        const texts = textsOf(c.text);
        const r = await this.backend.request(
          'predict',
          cellArgs('predict', {
            model: dir,
            inputs: texts.map(([a, b]) => (b === undefined ? a : [a, b])),
            maxLength: this.data?.max_length ?? 128,
          }),
          log,
        );
        const labels = r[0]?.scores ? Object.keys(r[0].scores) : this.labels;
        const out: PredictionsOutput = {
          labels,
          topK: typeof c.top_k === 'number' ? c.top_k : undefined,
          rows: r.map((p, i) => ({
            text: texts[i][0],
            pair: texts[i][1],
            label: p.label,
            score: p.score,
            probs: labels.map((l) => p.scores?.[l] ?? 0),
          })),
        };
        return { items: outputItems('predictions', out), completed: true };
      }
      case 'export': {
        const r = await this.backend.request(
          'export',
          cellArgs('export', { cwd, ...c, modelDir: this.modelDir ?? null, cells: run.notebookCells }),
          log,
        );
        return { items: outputItems('export', r), completed: true };
      }
    }
  }

  private requireModelDir(step: string): string {
    if (!this.modelDir)
      throw new KernelOpError(`${step} needs a trained model: run a %train cell first (or %model with a model folder)`);
    return this.modelDir;
  }

  /** The run configuration a %train/%pretrain cell means, given the earlier %model, %data and %pretrain cells. */
  runConfig(step: TrainingStep, cell: Record<string, unknown>): Record<string, unknown> {
    if (!this.choices.model) throw new KernelOpError(`%${step} needs a model: run a %model cell first`);
    if (!this.choices.data) throw new KernelOpError(`%${step} needs data: run a %data cell first`);
    return composeRunConfig(step, cell, this.choices, this.path);
  }

  private async train(step: TrainingStep, cell: Record<string, unknown>, run: CellRunOptions): Promise<CellRunResult> {
    const config = this.runConfig(step, cell);
    const training = config.training as Record<string, unknown>;
    const task = step === 'pretrain' ? 'pretraining' : 'sequence-classification';
    const record = this.store.begin({
      label: `${this.opts.label ?? 'notebook'} %${step}`,
      source: 'notebook',
      task,
      output_dir: String(training.output_dir),
      stop: run.stop ?? (() => this.backend.interrupt()),
    });
    const extras = await ChartExtras.start(config);
    // Once the run has ended, the model it saved (if any) is what the output's run actions act on.
    const output = (r: RunRecord) => {
      const model = savedModelOf(r);
      return outputItems('training', {
        ...extras.apply(trainingOutputOf(r, this.store.maxPoints), r),
        ...(model ? { model } : {}),
      });
    };
    const live = (r: RunRecord) => r.id === record.id && run.onLiveOutput?.(output(r));
    const offLive = this.store.onChange(live);
    const onEvent = (e: KernelEvent) => {
      this.store.apply(record.id, e);
      if (e.kind === 'log') run.onLog?.(e.message);
      if (e.kind === 'checkpoint') run.onLog?.(`checkpoint ${e.path}`);
    };
    try {
      if (step === 'train' && config.model === this.choices.pretrained)
        run.onLog?.(`starting from the %pretrain result in ${this.choices.pretrained}`);
      // The %model cell's dropout shapes the model %train builds, as it did the one %model showed.
      const r = await this.backend.request(
        'train',
        { config, modelOverrides: modelConfigOverrides(this.choices.model) },
        onEvent,
      );
      offLive();
      const stopped = r.status === 'stopped';
      if (!stopped) {
        this.modelDir = r.outputDir;
        if (step === 'pretrain') this.choices = afterCell(this.choices, 'pretrain', cell, this.path);
      }
      // A stopped run's last checkpoint is the model its output's actions use: %evaluate and %predict
      // use the same one rather than refusing.
      const saved = stopped ? savedModelOf(record) : undefined;
      if (saved) {
        this.modelDir = saved.dir;
        run.onLog?.(`%evaluate and %predict now use the stopped run's ${saved.dir}`);
      }
      if (stopped)
        this.store.note(
          record.id,
          `Stopped at step ${record.step}; checkpoint ${r.lastCheckpoint ?? '(none yet)'}. Run %train again with resume_from_checkpoint: true to continue.`,
        );
      return { items: output(record), completed: !stopped };
    } catch (err) {
      offLive();
      this.store.fail(record.id, (err as Error).message, (err as { lastCheckpoint?: string }).lastCheckpoint);
      // The partial chart is still worth keeping next to the error.
      (err as { partialOutput?: OutputItem[] }).partialOutput = output(record);
      throw err;
    } finally {
      this.store.flush(record.id);
    }
  }

  private async evaluate(c: Record<string, unknown>, log: (e: KernelEvent) => void): Promise<CellRunResult> {
    const dir = this.requireModelDir('%evaluate');
    const split = typeof c.split === 'string' ? c.split : 'validation';
    const file = this.abs(c.file) ?? (this.data?.[split] as string | undefined);
    if (!file)
      throw new KernelOpError(
        this.data
          ? `%evaluate: the %data cell has no ${split} file; set ${split}: there or file: here`
          : '%evaluate needs data: run a %data cell first or give file:',
      );
    const d = this.data ?? {};
    const r = await this.backend.request(
      'evaluate',
      cellArgs('evaluate', {
        model: dir,
        data: file,
        text_column: d.text_column,
        text_pair_column: d.text_pair_column ?? undefined,
        label_column: d.label_column,
        maxLength: d.max_length ?? 128,
        batchSize: c.per_device_eval_batch_size ?? 64,
        errorLimit: 100,
      }),
      log,
    );
    const metrics = Object.fromEntries(
      Object.entries(r).filter(([k, v]) => typeof v === 'number' && k !== 'examples' && k !== 'errorCount'),
    ) as Record<string, number>;
    const out: MetricsOutput = {
      split: c.file ? String(c.file) : split,
      rows: typeof r.examples === 'number' ? r.examples : 0,
      metrics,
      labels: this.labels,
      confusion: Array.isArray(r.confusion_matrix) ? (r.confusion_matrix as number[][]) : undefined,
      // From evaluateFile (engine/train/errorAnalysis.ts, warnings.ts): passed through as they are.
      report: r.report as MetricsOutput['report'],
      errors: r.errors as MetricsOutput['errors'],
      errorCount: r.errorCount as number | undefined,
      warnings: r.warnings as MetricsOutput['warnings'],
    };
    return { items: outputItems('metrics', out), completed: true };
  }
}
