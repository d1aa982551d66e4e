// What a %train cell's output offers as run actions, and the line that says on which model or why
// none: pure (no DOM), so the unit tests check it per run status. runActions.ts draws it.
import type { RunOutputAction, SavedModel, TrainingOutput } from '../../src/protocol/notebook-outputs';

/** The buttons, in order: label and what each does, in words. */
export const RUN_ACTION_BUTTONS: ReadonlyArray<{ action: RunOutputAction; label: string; title: string }> = [
  {
    action: 'evaluate',
    label: 'Evaluate…',
    title: 'Evaluate this model on a labelled file',
  },
  { action: 'try', label: 'Try it…', title: 'Type a text and see the prediction and its tokens' },
  { action: 'predict', label: 'Predict a file…', title: 'Predict every row of a file into a CSV' },
  { action: 'export', label: 'Export…', title: 'Copy this model as a Hugging Face model folder' },
  {
    action: 'compare',
    label: 'Open in Compare',
    title: "Open this run's curves, settings and checkpoints in Compare Runs",
  },
];

export interface RunActionState {
  /** training: shown disabled; ready: enabled on `model`; none: not offered (`note` says why). */
  state: 'training' | 'ready' | 'none';
  model?: SavedModel;
  note: string;
}

const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;

/** What the output offers for run `t`, and the line that says which model or why none. */
export function runActionState(t: TrainingOutput): RunActionState {
  if (t.status === 'starting' || t.status === 'running')
    return {
      state: 'training',
      note: 'These actions become available when the run has saved a model.',
    };
  const m = t.model;
  if (m && m.kind === 'final') return { state: 'ready', model: m, note: `On the final model in ${m.dir}` };
  if (m) {
    const why =
      t.status === 'failed'
        ? `the run failed at step ${t.step}`
        : `the run stopped at step ${t.step} of ${t.totalSteps || '?'}`;
    return {
      state: 'ready',
      model: m,
      note: `On ${baseName(m.dir)} (step ${m.step}): ${why}, so its last checkpoint is the model.`,
    };
  }
  if (t.status === 'failed')
    return {
      state: 'none',
      note: 'No run actions: the run failed before it saved a model (no checkpoint was written).',
    };
  if (t.status === 'stopped')
    return {
      state: 'none',
      note: 'No run actions: the run was stopped before its first checkpoint, so no model was saved.',
    };
  return { state: 'none', note: 'No run actions: the saved model folder was not found (moved or deleted?).' };
}
