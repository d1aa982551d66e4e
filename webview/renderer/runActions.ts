// The run actions under a %train cell's chart: Evaluate, Try it, Predict a file, Export and Open in
// Compare, on the model the run saved. The host runs the editor's own commands with that folder (the
// monitor's actions are the same commands); runActionState.ts decides what is offered and why not.
import { el, clear } from '../panelkit/dom';
import type { RunOutputAction, SavedModel, TrainingOutput } from '../../src/protocol/notebook-outputs';
import { RUN_ACTION_BUTTONS, runActionState } from './runActionState';

export type PostRunAction = (action: RunOutputAction, model: SavedModel) => void;

/** The action bar of one training output; `update` follows the run. Absent where outputs cannot post to the host. */
export class RunActionsBar {
  readonly root = el('div', { class: 'run-actions', 'data-testid': 'train-actions' });
  private key = '';

  constructor(private readonly post: PostRunAction) {}

  update(t: TrainingOutput): void {
    const s = runActionState(t);
    const key = `${s.state}|${s.model?.dir ?? ''}|${s.note}`;
    if (key === this.key) return;
    this.key = key;
    this.root.dataset.state = s.state;
    this.root.dataset.model = s.model?.dir ?? '';
    clear(this.root);
    if (s.state !== 'none')
      for (const b of RUN_ACTION_BUTTONS) {
        const button = el(
          'button',
          {
            class: 'secondary',
            title: b.title,
            'data-testid': `train-action-${b.action}`,
            disabled: s.state !== 'ready',
          },
          b.label,
        ) as HTMLButtonElement;
        const model = s.model;
        if (model) button.addEventListener('click', () => this.post(b.action, model));
        this.root.append(button);
      }
    this.root.append(el('span', { class: 'muted note' }, s.note));
  }
}
