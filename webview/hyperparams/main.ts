// Hyperparameter form webview: built from the field list the host sends (the one schema), grouped by
// section. A committed change (Enter, blur, pick) sends one `set`/`unset`; the host edits the text
// and sends the values back, so the text stays the single source of truth.
import '../panelkit/panel.css';
import './hyperparams.css';
import type { FormField, FormIssue, HyperparamsToWebview } from '../../src/protocol/panels';
import { clear, el } from '../panelkit/dom';
import { onMessage, post } from '../panelkit/host';
import { registerToolkit } from '../panelkit/toolkit';
import { trustBanner } from '../panelkit/trust';
import { scheduleChart } from './chart';
import { parseFieldText, showValue } from './parse';

registerToolkit();

type Control = HTMLElement & { value: string; checked?: boolean };
interface Row {
  field: FormField;
  root: HTMLElement;
  control: Control;
  error: HTMLElement;
  reset: HTMLElement;
}

const app = document.getElementById('app')!;
const targetLabel = el('span', { class: 'muted', 'data-testid': 'target' });
const showText = el('vscode-button', { appearance: 'secondary', 'data-testid': 'show-text' }, 'Show text');
const banner = el('div');
const syntax = el('p', { class: 'error', role: 'alert', 'data-testid': 'syntax-error', hidden: true });
const filter = el('vscode-text-field', { placeholder: 'Filter fields (name or description)', 'data-testid': 'filter' }) as Control;
const chartBox = el('div', { class: 'chart', 'data-testid': 'schedule' });
const chartNote = el('p', { class: 'muted', 'data-testid': 'schedule-note' });
const sections = el('div', { class: 'sections' });
const issueCount = el('p', { class: 'muted', 'data-testid': 'issues' });
app.append(
  el('h1', {}, 'Hyperparameters'),
  el('div', { class: 'row spread' }, targetLabel, showText),
  banner,
  syntax,
  el('details', { open: true, class: 'schedule-box' }, el('summary', {}, 'Learning-rate schedule'), chartBox, chartNote),
  el('div', { class: 'row' }, filter),
  issueCount,
  sections,
);
showText.addEventListener('click', () => post({ type: 'showText' }));

const rows = new Map<string, Row>();
let values: Record<string, unknown> = {};

function control(f: FormField): Control {
  const attrs = { 'data-path': f.path, 'aria-label': f.key };
  if (f.kind === 'boolean') return el('vscode-checkbox', attrs) as Control;
  if (f.kind === 'enum') {
    const dd = el('vscode-dropdown', attrs) as Control;
    dd.append(el('vscode-option', { value: '' }, `(default: ${showValue(f.default)})`));
    for (const v of f.enum ?? []) dd.append(el('vscode-option', { value: v }, v));
    return dd;
  }
  return el('vscode-text-field', { ...attrs, placeholder: f.default === null ? 'unset' : showValue(f.default) }) as Control;
}

function commit(row: Row): void {
  const f = row.field;
  let text: string;
  if (f.kind === 'boolean') {
    const checked = !!row.control.checked;
    // Ticking back to the default removes the key, so the text only says what differs.
    if (checked === f.default) return send(f, undefined, row);
    return send(f, checked, row);
  }
  text = row.control.value;
  const p = parseFieldText(f, text);
  if (!p.ok) {
    row.error.textContent = `${f.key} ${p.message}`;
    row.root.classList.add('invalid');
    return;
  }
  send(f, p.value, row);
}

// Enter and the blur that follows both commit: remember what was last sent per field until the
// host's next values arrive, so one change is one edit.
const sent = new Map<string, string>();

function send(f: FormField, value: unknown, row: Row): void {
  row.error.textContent = '';
  row.root.classList.remove('invalid');
  const key = JSON.stringify(value ?? null) + (value === undefined ? '/unset' : '');
  if (sent.get(f.path) === key) return;
  if (value === undefined) {
    if (!(f.path in values)) return;
    sent.set(f.path, key);
    post({ type: 'unset', path: f.path });
  } else if (JSON.stringify(values[f.path]) !== JSON.stringify(value)) {
    sent.set(f.path, key);
    post({ type: 'set', path: f.path, value: value as never });
  }
}

function build(fields: FormField[]): void {
  clear(sections);
  rows.clear();
  const bySection = new Map<string, FormField[]>();
  for (const f of fields) bySection.set(f.section, [...(bySection.get(f.section) ?? []), f]);
  for (const [section, list] of bySection) {
    const body = el('div', { class: 'fields' });
    for (const f of list) {
      const c = control(f);
      const error = el('div', { class: 'error field-error', 'aria-live': 'polite' });
      const reset = el('vscode-button', { appearance: 'icon', title: `Remove ${f.key} (use the default ${showValue(f.default)})`, 'aria-label': `reset ${f.key}`, class: 'reset' }, '↺');
      const root = el(
        'div',
        { class: 'field', 'data-field': f.path },
        el('label', { class: 'key' }, el('code', {}, f.key), el('span', { class: 'type muted' }, ` ${f.type}`)),
        el('div', { class: 'control' }, c, reset),
        el('div', { class: 'desc muted' }, f.description, ' ', el('span', { class: 'default' }, `Default: ${f.default === null ? 'unset' : showValue(f.default)}.`)),
        error,
      );
      const row: Row = { field: f, root, control: c, error, reset };
      if (f.kind === 'boolean' || f.kind === 'enum') c.addEventListener('change', () => commit(row));
      else {
        c.addEventListener('change', () => commit(row));
        c.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter') commit(row);
        });
      }
      reset.addEventListener('click', () => send(f, undefined, row));
      rows.set(f.path, row);
      body.append(root);
    }
    sections.append(el('details', { open: true, class: 'section', 'data-section': section }, el('summary', {}, section), body));
  }
  applyFilter();
}

function applyFilter(): void {
  const q = (filter.value ?? '').trim().toLowerCase();
  for (const r of rows.values()) r.root.hidden = !!q && !`${r.field.path} ${r.field.description}`.toLowerCase().includes(q);
  for (const d of sections.querySelectorAll<HTMLElement>('details.section')) d.hidden = ![...d.querySelectorAll<HTMLElement>('.field')].some((x) => !x.hidden);
}
filter.addEventListener('input', applyFilter);

function showValues(v: Record<string, unknown>, errors: FormIssue[]): void {
  values = v;
  sent.clear();
  for (const r of rows.values()) {
    const set = r.field.path in v;
    r.root.classList.toggle('is-set', set);
    r.reset.hidden = !set;
    const focused = document.activeElement === r.control;
    if (!focused) {
      if (r.field.kind === 'boolean') r.control.checked = set ? v[r.field.path] === true : r.field.default === true;
      else r.control.value = set ? showValue(v[r.field.path]) : '';
    }
    const e = errors.find((x) => x.path === r.field.path || x.path.startsWith(r.field.path + '.'));
    r.error.textContent = e ? `${r.field.key} ${e.message}` : '';
    r.root.classList.toggle('invalid', !!e);
  }
  const other = errors.filter((e) => !rows.has(e.path) && ![...rows.keys()].some((p) => e.path.startsWith(p + '.')));
  issueCount.textContent = errors.length ? `${errors.length} problem${errors.length > 1 ? 's' : ''}${other.length ? `: ${other.map((e) => `${e.path || '(top)'} ${e.message}`).join('; ')}` : ''}` : 'No problems.';
  issueCount.classList.toggle('error', errors.length > 0);
}

onMessage((raw) => {
  const m = raw as unknown as HyperparamsToWebview;
  switch (m.type) {
    case 'init':
      targetLabel.textContent = m.target.label;
      clear(banner);
      if (!m.trusted) banner.append(trustBanner('start trainings or read your data files (the form still edits the text)'));
      build(m.fields);
      break;
    case 'values':
      syntax.hidden = !m.syntaxError;
      syntax.textContent = m.syntaxError ? `The text does not parse (${m.syntaxError}); fix it in the editor, the form waits.` : '';
      sections.classList.toggle('disabled', !!m.syntaxError);
      if (!m.syntaxError) showValues(m.values, m.errors);
      break;
    case 'schedule':
      clear(chartBox);
      chartBox.append(scheduleChart(m.points, m.warmup, m.total));
      chartNote.textContent = `${m.scheduler}${m.warmup ? `, ${m.warmup} warmup steps` : ''}; ${m.note ?? ''}`;
      break;
    case 'editFailed': {
      const r = rows.get(m.path);
      if (r) {
        r.error.textContent = `${r.field.key}: ${m.message}`;
        r.root.classList.add('invalid');
      }
      break;
    }
  }
});

post({ type: 'ready' });
