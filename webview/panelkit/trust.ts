// The "trust required" state every panel shows in Restricted Mode, with the reason and the way out.
import { el } from './dom';
import { post } from './host';

export function trustBanner(what: string): HTMLElement {
  const button = el(
    'vscode-button',
    { appearance: 'primary', 'data-testid': 'manage-trust' },
    'Manage Workspace Trust',
  );
  button.addEventListener('click', () => post({ type: 'manageTrust' }));
  return el(
    'section',
    { class: 'trust-required', role: 'alert', 'data-testid': 'trust-required' },
    el('h2', {}, 'Trust required'),
    el(
      'p',
      {},
      `This folder is open in Restricted Mode, so BERT Notebook does not ${what}. Training runs code and reads and writes files of this folder; trust the folder to enable it.`,
    ),
    button,
  );
}
