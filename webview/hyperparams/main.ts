// Hyperparameter form webview: built from the field list the host sends (the one schema), grouped by
// section. Typed text goes to the host as `check` (the schema's validator judges it while typing, and
// on Enter/blur edits the text when it passes); a pick or tick sends one `set`/`unset`. The host sends
// the values back, so the text stays the single source of truth.
import '../panelkit/panel.css';
import './hyperparams.css';
import type { FormField, FormIssue, HyperparamsToWebview } from '../../src/protocol/panels';
import { clear, el } from '../panelkit/dom';
import { onMessage, post } from '../panelkit/host';
import { registerToolkit } from '../panelkit/toolkit';
import { trustBanner } from '../panelkit/trust';
import { scheduleChart } from './chart';
import { showValue } from './parse';

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
const filter = el('vscode-text-field', {
  placeholder: 'Filter fields (name or description)',
  'data-testid': 'filter',
}) as Control;
const chartBox = el('div', { class: 'chart', 'data-testid': 'schedule' });
const chartNote = el('p', { class: 'muted', 'data-testid': 'schedule-note' });
const sections = el('div', { class: 'sections' });
const issueCount = el('p', { class: 'muted', 'data-testid': 'issues' });
app.append(
  el('h1', {}, 'Hyperparameters'),
  el('div', { class: 'row spread' }, targetLabel, showText),
  banner,
  syntax,
  el(
    'details',
    { open: true, class: 'schedule-box' },
    el('summary', {}, 'Learning-rate schedule'),
    chartBox,
    chartNote,
  ),
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
  return el('vscode-text-field', {
    ...attrs,
    placeholder: f.default === null ? 'unset' : showValue(f.default),
  }) as Control;
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
  askHost(row, text, true);
}

// Typed text is judged by the host with the schema's validator (the one source of the messages the
// cell diagnostics show too): while typing (apply false) and on Enter/blur (apply true: edited when valid).
let seq = 0;
const typed = new Map<string, string>(); // path → message about the text now in its control ('' = it is fine)
const lastAsked = new Map<string, { text: string; apply: boolean }>();
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

function askHost(row: Row, text: string, apply: boolean): void {
  const f = row.field;
  clearTimeout(typingTimers.get(f.path));
  const last = lastAsked.get(f.path);
  // Enter and the blur that follows both commit: one change is one edit.
  if (last && last.text === text && (last.apply || !apply)) return;
  lastAsked.set(f.path, { text, apply });
  post({ type: 'check', seq: ++seq, path: f.path, text, apply });
}

function onTyping(row: Row): void {
  clearTimeout(typingTimers.get(row.field.path));
  typingTimers.set(
    row.field.path,
    setTimeout(() => askHost(row, row.control.value, false), 120),
  );
}

function showChecked(m: Extract<HyperparamsToWebview, { type: 'checked' }>): void {
  const r = rows.get(m.path);
  if (!r || (r.control.value ?? '') !== m.text) return; // the person typed on; a newer answer follows
  // A valid typed value hides the problem of the value it replaces; after an edit the host's values take over.
  if (m.applied) typed.delete(m.path);
  else typed.set(m.path, m.message ?? '');
  showError(r, m.message);
  renderHeader();
}

function showError(r: Row, message: string | undefined): void {
  r.error.textContent = message ?? '';
  r.root.classList.toggle('invalid', !!message);
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
      const reset = el(
        'vscode-button',
        {
          appearance: 'icon',
          title: `Remove ${f.key} (use the default ${showValue(f.default)})`,
          'aria-label': `reset ${f.key}`,
          class: 'reset',
        },
        '↺',
      );
      const root = el(
        'div',
        { class: 'field', 'data-field': f.path },
        el('label', { class: 'key' }, el('code', {}, f.key), el('span', { class: 'type muted' }, ` ${f.type}`)),
        el('div', { class: 'control' }, c, reset),
        el(
          'div',
          { class: 'desc muted' },
          f.description,
          ' ',
          el('span', { class: 'default' }, `Default: ${f.default === null ? 'unset' : showValue(f.default)}.`),
        ),
        error,
      );
      const row: Row = { field: f, root, control: c, error, reset };
      if (f.kind === 'boolean' || f.kind === 'enum') c.addEventListener('change', () => commit(row));
      else {
        c.addEventListener('change', () => commit(row));
        c.addEventListener('input', () => onTyping(row));
        c.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter') commit(row);
        });
      }
      reset.addEventListener('click', () => send(f, undefined, row));
      rows.set(f.path, row);
      body.append(root);
    }
    sections.append(
      el('details', { open: true, class: 'section', 'data-section': section }, el('summary', {}, section), body),
    );
  }
  applyFilter();
}

function applyFilter(): void {
  const q = (filter.value ?? '').trim().toLowerCase();
  for (const r of rows.values())
    r.root.hidden = !!q && !`${r.field.path} ${r.field.description}`.toLowerCase().includes(q);
  for (const d of sections.querySelectorAll<HTMLElement>('details.section'))
    d.hidden = ![...d.querySelectorAll<HTMLElement>('.field')].some((x) => !x.hidden);
}
filter.addEventListener('input', applyFilter);

let hostErrors: FormIssue[] = [];

function showValues(v: Record<string, unknown>, errors: FormIssue[]): void {
  values = v;
  hostErrors = errors;
  sent.clear();
  lastAsked.clear();
  for (const r of rows.values()) {
    const set = r.field.path in v;
    r.root.classList.toggle('is-set', set);
    r.reset.hidden = !set;
    const focused = document.activeElement === r.control;
    if (!focused) {
      typed.delete(r.field.path); // the control shows the text's value again
      if (r.field.kind === 'boolean') r.control.checked = set ? v[r.field.path] === true : r.field.default === true;
      else r.control.value = set ? showValue(v[r.field.path]) : '';
    }
    const e = errors.find((x) => x.path === r.field.path || x.path.startsWith(r.field.path + '.'));
    showError(r, typed.get(r.field.path) ?? e?.message);
  }
  renderHeader();
}

/** Counts every problem on show (the text's and the typed ones), so it never says "No problems" beside a red field. */
function renderHeader(): void {
  const shown = [
    ...hostErrors.filter((e) => !typed.has(e.path)),
    ...[...typed].filter(([, message]) => message).map(([path, message]) => ({ path, message })),
  ];
  const other = shown.filter((e) => !rows.has(e.path) && ![...rows.keys()].some((p) => e.path.startsWith(p + '.')));
  const n = shown.length;
  issueCount.textContent = n
    ? `${n} problem${n > 1 ? 's' : ''}${other.length ? `: ${other.map((e) => e.message).join('; ')}` : ''}`
    : 'No problems.';
  issueCount.classList.toggle('error', n > 0);
}

onMessage((raw) => {
  const m = raw as unknown as HyperparamsToWebview;
  switch (m.type) {
    case 'init':
      targetLabel.textContent = m.target.label;
      clear(banner);
      if (!m.trusted)
        banner.append(trustBanner('start trainings or read your data files (the form still edits the text)'));
      build(m.fields);
      break;
    case 'values':
      syntax.hidden = !m.syntaxError;
      syntax.textContent = m.syntaxError
        ? `The text does not parse (${m.syntaxError}); fix it in the editor, the form waits.`
        : '';
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
        typed.set(m.path, `${r.field.key}: ${m.message}. Not applied.`);
        showError(r, typed.get(m.path));
        renderHeader();
      }
      break;
    }
    case 'checked':
      showChecked(m);
      break;
  }
});

post({ type: 'ready' });
