// A `.bertnb` notebook as a run configuration for the Trainer export: the first %model cell gives
// model/task/tokenizer (and label names, dropout), the first %data cell the data section, the first
// %train (or %pretrain) cell the training keys — what running those cells in order would train.
import { parseNotebook, type NotebookCell } from '../notebook/format';
import { parseCell } from '../notebook/cells';
import { modelConfigOverrides } from '../notebook/steps';
import { pretrainingFields, validateRunConfig, type ConfigIssue, type RunConfig } from '../../schema';

export interface NotebookRun {
  config: RunConfig;
  /** BertConfig values from the %model cell (dropout). */
  modelOverrides: Record<string, number>;
  /** Cell numbers (1-based) the configuration came from, for messages. */
  cells: { model?: number; data?: number; train?: number };
}

export class NotebookRunError extends Error {
  constructor(message: string, readonly issues: ConfigIssue[] = []) {
    super(message);
    this.name = 'NotebookRunError';
  }
}

/** A notebook cell as the export reads it: only code cells count, numbers are 1-based over all cells. */
export type NotebookCellText = Pick<NotebookCell, 'kind' | 'source'>;

export function runConfigFromNotebook(text: string): NotebookRun {
  return runConfigFromCells(parseNotebook(text).cells);
}

/** The same from the cells of an open notebook (unsaved edits included), for the %export cell. */
export function runConfigFromCells(cells: readonly NotebookCellText[]): NotebookRun {
  const found: Record<string, { cell: number; config: Record<string, unknown> }> = {};
  cells.forEach((cell, i) => {
    if (cell.kind !== 'code') return;
    const parsed = parseCell(cell.source);
    if (!parsed.step) return;
    const step = parsed.step === 'pretrain' ? 'train' : parsed.step;
    if (found[step]) return;
    if (!parsed.ok && ['model', 'data', 'train'].includes(step)) {
      throw new NotebookRunError(`cell ${i + 1} (%${parsed.step}): ${parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
    }
    found[step] = { cell: i + 1, config: { ...parsed.config, ...(parsed.step === 'pretrain' ? { __pretrain: true } : {}) } };
  });
  const train = found.train;
  if (!train) throw new NotebookRunError('the notebook has no %train or %pretrain cell to export');
  const model = found.model?.config ?? {};
  const { __pretrain, ...trainKeys } = train.config;
  const training: Record<string, unknown> = {};
  const pretraining: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(trainKeys)) (k in pretrainingFields ? pretraining : training)[k] = v;
  const data = { ...(found.data?.config ?? {}) };
  if (Array.isArray(model.labels) && data.label_list === undefined) data.label_list = model.labels;
  const input: Record<string, unknown> = {
    task: __pretrain ? 'pretraining' : (model.task ?? 'sequence-classification'),
    ...(model.name !== undefined ? { model: model.name } : {}),
    ...(model.tokenizer !== undefined ? { tokenizer: model.tokenizer } : {}),
    data,
    training,
    pretraining,
  };
  const r = validateRunConfig(input);
  if (!r.ok || !r.config) {
    throw new NotebookRunError(`the notebook's cells do not make a valid run: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, r.errors);
  }
  return { config: r.config, modelOverrides: modelConfigOverrides(model), cells: { model: found.model?.cell, data: found.data?.cell, train: train.cell } };
}
