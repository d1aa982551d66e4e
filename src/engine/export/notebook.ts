// A `.bertnb` notebook as a run configuration for the Trainer export: the cells are replayed in order
// as a notebook session would run them (notebook/compose.ts, the composer execution uses too), and
// the run is the last %train or %pretrain cell's — what the notebook trains last. A %train after a
// %pretrain fine-tunes the pretraining's output folder, as running the cells does.
import { isAbsolute } from 'node:path';
import { parseNotebook, type NotebookCell } from '../notebook/format';
import { parseCell } from '../notebook/cells';
import { modelConfigOverrides } from '../notebook/steps';
import { afterCell, composeRunConfig, type NotebookChoices } from '../notebook/compose';
import { validateRunConfig, type ConfigIssue, type RunConfig } from '../../schema';

export interface NotebookRun {
  config: RunConfig;
  /** BertConfig values from the %model cell (dropout). */
  modelOverrides: Record<string, number>;
  /** Cell numbers (1-based) the configuration came from, for messages. */
  cells: { model?: number; data?: number; pretrain?: number; train?: number };
}

export class NotebookRunError extends Error {
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(message);
    this.name = 'NotebookRunError';
  }
}

/** A notebook cell as the export reads it: only code cells count, numbers are 1-based over all cells. */
export type NotebookCellText = Pick<NotebookCell, 'kind' | 'source'>;

export function runConfigFromNotebook(text: string): NotebookRun {
  return runConfigFromCells(parseNotebook(text).cells);
}

const RUN_STEPS = ['model', 'data', 'pretrain', 'train'] as const;
type RunStep = (typeof RUN_STEPS)[number];

/** The run a notebook's cells compose (before validation), and the cells it came from. */
export function composeNotebookRun(cells: readonly NotebookCellText[]): {
  input: Record<string, unknown>;
  choices: NotebookChoices;
  cells: NotebookRun['cells'];
} {
  let choices: NotebookChoices = {};
  const at: NotebookRun['cells'] = {};
  let run: { input: Record<string, unknown>; choices: NotebookChoices; cells: NotebookRun['cells'] } | undefined;
  cells.forEach((cell, i) => {
    if (cell.kind !== 'code') return;
    const parsed = parseCell(cell.source);
    const step = parsed.step as RunStep | undefined;
    if (!step || !RUN_STEPS.includes(step)) return;
    if (!parsed.ok) {
      throw new NotebookRunError(
        `cell ${i + 1} (%${step}): ${parsed.diagnostics
          .filter((d) => d.severity === 'error')
          .map((d) => d.message)
          .join('; ')}`,
      );
    }
    if (step === 'train' || step === 'pretrain') {
      const from = {
        model: at.model,
        data: at.data,
        pretrain: step === 'train' && choices.pretrained ? at.pretrain : undefined,
        [step]: i + 1,
      };
      run = { input: composeRunConfig(step, parsed.config, choices), choices, cells: definedOnly(from) };
    }
    // A %train after this %pretrain starts from its output folder: a local folder, even before it exists.
    choices = afterCell(choices, step, parsed.config, (p) => (isAbsolute(p) ? p : `./${p}`));
    at[step] = i + 1;
  });
  if (!run) throw new NotebookRunError('the notebook has no %train or %pretrain cell to export');
  return run;
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The same from the cells of an open notebook (unsaved edits included), for the %export cell. */
export function runConfigFromCells(cells: readonly NotebookCellText[]): NotebookRun {
  const run = composeNotebookRun(cells);
  const r = validateRunConfig(run.input);
  if (!r.ok || !r.config) {
    throw new NotebookRunError(
      `the notebook's cells do not make a valid run: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      r.errors,
    );
  }
  return { config: r.config, modelOverrides: modelConfigOverrides(run.choices.model), cells: run.cells };
}
