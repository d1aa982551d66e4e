// Running one cell: parse and validate it, turn it into a kernel op, and turn the op's result (and live
// training events) into output items. Shared by the VS Code controller and `bertnb run`, so a notebook
// behaves the same in the editor and headless.
import { CellConfigError, parseCell, textsOf } from './cells';
import type { OutputItem } from './format';
import { KernelDiedError, type KernelBackend, type KernelEvent, type KernelOp } from './kernel';
import { RateLimiter, TrainingSeries } from './series';
import { toPlainText } from './text';
import { NOTEBOOK_MIME, type NotebookOutputKind, type NotebookOutputPayloads, type TrainingOutput } from '../../protocol/notebook-outputs';

export interface CellRunOptions {
  /** Folder that relative paths in cells are resolved against (the notebook's folder). */
  cwd: string;
  backend: KernelBackend;
  /** Replace the cell's outputs while it runs (live training chart); called at most `liveRate` per second. */
  onLiveOutput?: (items: OutputItem[]) => void;
  /** Log lines (kernel warnings, checkpoint paths). */
  onLog?: (message: string) => void;
  liveRate?: number;
  /** Points kept in the live chart payload. */
  maxChartPoints?: number;
}

export interface CellRunResult {
  items: OutputItem[];
  /** False when training was stopped early (still a useful result). */
  completed: boolean;
}

export function outputItems<K extends NotebookOutputKind>(kind: K, payload: NotebookOutputPayloads[K]): OutputItem[] {
  return [
    { mime: NOTEBOOK_MIME[kind], data: payload },
    { mime: 'text/plain', data: toPlainText(kind, payload) },
  ];
}

const OP_OF_STEP: Record<string, KernelOp> = {
  model: 'model',
  tokenize: 'tokenize',
  data: 'data',
  train: 'train',
  pretrain: 'train',
  evaluate: 'evaluate',
  predict: 'predict',
  export: 'export',
};

/** Op parameters for a validated cell config: texts normalised, the task made explicit. */
export function opParams(step: string, config: Record<string, unknown>, cwd: string): Record<string, unknown> {
  switch (step) {
    case 'tokenize':
      return { cwd, texts: textsOf(config.text, config.pair), max_length: config.max_length ?? null, truncation: config.truncation ?? 'longest_first' };
    case 'predict':
      return { cwd, texts: textsOf(config.text), top_k: config.top_k ?? null };
    case 'train':
      return { cwd, task: 'sequence-classification', training: config };
    case 'pretrain': {
      const { mlm_probability, whole_word_masking, nsp, ...training } = config;
      const pretraining = Object.fromEntries(
        Object.entries({ mlm_probability, whole_word_masking, nsp }).filter(([, v]) => v !== undefined),
      );
      return { cwd, task: 'pretraining', training, pretraining };
    }
    default:
      return { cwd, ...config };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Run a cell's source. Throws CellConfigError (invalid cell), KernelOpError, or KernelDiedError. */
export async function executeCell(source: string, opts: CellRunOptions): Promise<CellRunResult> {
  const parsed = parseCell(source);
  if (!parsed.ok || !parsed.step) throw new CellConfigError(parsed.diagnostics);
  const step = parsed.step;
  const params = opParams(step, parsed.config, opts.cwd);
  const op = OP_OF_STEP[step];

  if (op !== 'train') {
    const result = await opts.backend.request(op, params, (e) => e.kind === 'log' && opts.onLog?.(e.message));
    return { items: resultItems(step, result), completed: true };
  }

  const series = new TrainingSeries(step === 'pretrain' ? 'pretraining' : 'sequence-classification', opts.maxChartPoints ?? 400);
  const started = Date.now();
  const live = new RateLimiter(1000 / (opts.liveRate ?? 4), () => opts.onLiveOutput?.(outputItems('training', series.payload())));
  let lastCheckpoint: string | undefined;
  const onEvent = (e: KernelEvent) => {
    switch (e.kind) {
      case 'progress':
        if (e.loss !== undefined || e.learningRate !== undefined)
          series.add({ step: e.step, loss: e.loss, learningRate: e.learningRate, samplesPerSec: e.samplesPerSec });
        series.update({
          status: 'running',
          step: e.step,
          totalSteps: e.totalSteps,
          epoch: e.epoch,
          totalEpochs: e.totalEpochs,
          elapsedSec: e.elapsedSec ?? (Date.now() - started) / 1000,
          etaSec: e.etaSec,
          samplesPerSec: e.samplesPerSec,
        });
        break;
      case 'eval':
        series.addEval(e.step, e.epoch, e.metrics);
        break;
      case 'checkpoint':
        lastCheckpoint = e.path;
        series.update({ checkpoint: e.path });
        opts.onLog?.(`checkpoint ${e.path}`);
        break;
      case 'log':
        opts.onLog?.(e.message);
        break;
    }
    live.request();
  };
  try {
    const result = await opts.backend.request('train', params, onEvent);
    const r = isRecord(result) ? result : {};
    const stopped = r.stopped === true || r.status === 'stopped';
    series.update({
      status: stopped ? 'stopped' : 'done',
      elapsedSec: typeof r.elapsedSec === 'number' ? r.elapsedSec : (Date.now() - started) / 1000,
      etaSec: 0,
      checkpoint: typeof r.checkpoint === 'string' ? r.checkpoint : lastCheckpoint,
      message: stopped
        ? `Stopped: checkpoint saved${typeof r.checkpoint === 'string' ? ` at ${r.checkpoint}` : ''}; continue with resume_from_checkpoint: true`
        : typeof r.message === 'string'
          ? r.message
          : undefined,
    });
    if (typeof r.step === 'number') series.update({ step: r.step });
    if (isRecord(r.metrics)) {
      const metrics = Object.fromEntries(Object.entries(r.metrics).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
      if (Object.keys(metrics).length && !series.payload().evals.some((ev) => ev.step === r.step))
        series.addEval(Number(r.step ?? series.payload().step), series.payload().epoch, metrics);
    }
    live.dispose();
    return { items: outputItems('training', series.payload()), completed: !stopped };
  } catch (err) {
    live.dispose();
    const reason = err instanceof KernelDiedError ? err.message : (err as Error).message;
    series.update({ status: 'failed', message: reason, checkpoint: (err as KernelDiedError).lastCheckpoint ?? lastCheckpoint });
    // The partial chart is still worth keeping next to the error.
    (err as { partialOutput?: OutputItem[] }).partialOutput = outputItems('training', series.payload());
    throw err;
  }
}

function resultItems(step: string, result: unknown): OutputItem[] {
  const kind: NotebookOutputKind = (
    { model: 'model', tokenize: 'tokens', data: 'data', evaluate: 'metrics', predict: 'predictions', export: 'export' } as const
  )[step as 'model']!;
  return outputItems(kind, result as never);
}

export type { TrainingOutput };
