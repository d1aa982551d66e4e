// The %evaluate output: warnings in words, the metrics and the classification report, the confusion
// matrix (counts and row rates; a click on a cell filters the error table to that true/predicted
// pair), the residuals of a regression, and the error table (most confident mistakes first, each with
// its probabilities and token chips), exportable as CSV. Plain DOM with text nodes only.
import { el, clear } from '../panelkit/dom';
import { formatNumber } from '../shared/format';
import { readTheme, withAlpha } from '../shared/theme';
import type { MetricsOutput } from '../../src/protocol/notebook-outputs';
import type {
  ClassificationReport,
  EvalErrorRow,
  EvaluationReport,
  RegressionReport,
  ReportRow,
} from '../../src/protocol/evaluation';
import { errorsCsv, filterErrors, tokenKind, type CellFilter } from './errorRows';

/** Rows drawn at first; "Show all" draws the rest (each row carries its token chips). */
const FIRST_ROWS = 20;

export type SaveCsv = (suggestedName: string, csv: string) => void;

function metricsTable(m: MetricsOutput): HTMLElement {
  const table = el(
    'table',
    { class: 'metrics' },
    el('tr', {}, el('th', {}, 'metric'), el('th', { class: 'num' }, 'value')),
  );
  for (const [k, v] of Object.entries(m.metrics))
    table.append(el('tr', {}, el('td', {}, k), el('td', { class: 'num' }, formatNumber(v))));
  return table;
}

function reportTable(r: Exclude<EvaluationReport, RegressionReport>): HTMLElement {
  const row = (name: string, x: ReportRow, cls = '') =>
    el(
      'tr',
      { class: cls },
      el('td', {}, name),
      ...[x.precision, x.recall, x.f1].map((v) => el('td', { class: 'num' }, v.toFixed(3))),
      el('td', { class: 'num' }, String(x.support)),
    );
  const t = el(
    'table',
    { class: 'report', 'aria-label': 'classification report' },
    el(
      'tr',
      {},
      el('th', {}, ''),
      ...['precision', 'recall', 'F1', 'support'].map((h) => el('th', { class: 'num' }, h)),
    ),
  );
  for (const c of r.classes) t.append(row(c.label, c));
  if (r.kind === 'single_label')
    t.append(
      el(
        'tr',
        { class: 'avg' },
        el('td', {}, 'accuracy'),
        el('td', {}),
        el('td', {}),
        el('td', { class: 'num' }, r.accuracy.toFixed(3)),
        el('td', { class: 'num' }, String(r.macro_avg.support)),
      ),
    );
  else t.append(row('micro avg', r.micro_avg, 'avg'));
  t.append(row('macro avg', r.macro_avg, 'avg'), row('weighted avg', r.weighted_avg, 'avg'));
  return t;
}

function warningsBox(m: MetricsOutput): HTMLElement | false {
  if (!m.warnings?.length) return false;
  return el(
    'div',
    { class: 'warnings', role: 'alert' },
    ...m.warnings.map((w) => el('div', { class: 'warning', 'data-code': w.code }, el('b', {}, '⚠ '), w.message)),
  );
}

/** A scatter of prediction against target with the y = x line: the residuals of a regression. */
function residualPlot(r: RegressionReport): HTMLElement {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 320,
    H = 220,
    P = 28;
  // Bounds in a loop: a large evaluation has more values than Math.min(...) takes arguments.
  let lo = Infinity,
    hi = -Infinity;
  for (const [t, p] of r.residuals) ((lo = Math.min(lo, t, p)), (hi = Math.max(hi, t, p)));
  const span = hi - lo || 1;
  const sx = (v: number) => P + ((v - lo) / span) * (W - 2 * P);
  const sy = (v: number) => H - P - ((v - lo) / span) * (H - 2 * P);
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'residuals');
  const line = document.createElementNS(NS, 'line');
  Object.entries({ x1: sx(lo), y1: sy(lo), x2: sx(hi), y2: sy(hi), class: 'ideal' }).forEach(([k, v]) =>
    line.setAttribute(k, String(v)),
  );
  svg.append(line);
  for (const [t, p] of r.residuals.slice(0, 2000)) {
    const c = document.createElementNS(NS, 'circle');
    Object.entries({ cx: sx(t), cy: sy(p), r: 2.5 }).forEach(([k, v]) => c.setAttribute(k, String(v)));
    svg.append(c);
  }
  const stats = el(
    'div',
    { class: 'stats' },
    ...(['mae', 'rmse', 'r2'] as const).map((k) =>
      el('span', {}, `${k === 'r2' ? 'R²' : k.toUpperCase()} `, el('b', {}, formatNumber(r[k]))),
    ),
  );
  return el(
    'div',
    {},
    el('h4', {}, 'Predicted against true value'),
    stats,
    svg,
    el(
      'div',
      { class: 'muted' },
      `x: true value, y: prediction, line: perfect prediction (${lo.toPrecision(3)} – ${hi.toPrecision(3)})`,
    ),
  );
}

function chips(tokens: string[], truncated: number): HTMLElement {
  const box = el('div', { class: 'chips small' });
  for (const t of tokens) {
    const kind = tokenKind(t);
    if (t === '[PAD]') continue;
    box.append(
      el(
        'span',
        { class: kind === 'word' ? 'chip' : `chip ${kind}`, title: kind === 'unk' ? 'unknown to the vocabulary' : t },
        t,
      ),
    );
  }
  if (truncated) box.append(el('span', { class: 'cut', title: 'cut at max_length' }, `✂ ${truncated} more tokens cut`));
  return box;
}

function errorRow(e: EvalErrorRow, labels: string[], regression: boolean): HTMLElement {
  const probs = e.probs.length
    ? el(
        'div',
        { class: 'probs' },
        ...e.probs.map((p, k) =>
          el(
            'span',
            { class: labels[k] === e.predicted ? 'top' : labels[k] === e.truth ? 'truth' : '' },
            `${labels[k] ?? k} ${(100 * p).toFixed(1)}%`,
          ),
        ),
      )
    : false;
  return el(
    'tr',
    { class: 'error-row' },
    el('td', { class: 'num' }, regression ? formatNumber(e.confidence, 3) : `${(100 * e.confidence).toFixed(1)}%`),
    el('td', { class: 'truth' }, e.truth),
    el('td', { class: 'predicted' }, e.predicted),
    el(
      'td',
      { class: 'example' },
      el(
        'div',
        { class: 'text' },
        e.text,
        e.pair !== undefined ? el('span', { class: 'muted' }, ` ‖ ${e.pair}`) : false,
      ),
      probs,
      chips(e.tokens, e.truncated),
      el('div', { class: 'muted source', title: e.source }, e.source.split(/[\\/]/).pop() ?? e.source),
    ),
  );
}

/** The error table with its filter line and export; `select` is called with the filter to show. */
class ErrorTable {
  readonly root = el('div', { class: 'errors' });
  private filter: CellFilter | undefined;
  private showAll = false;
  onFilter: (f: CellFilter | undefined) => void = () => undefined;

  constructor(
    private readonly m: MetricsOutput,
    private readonly save: SaveCsv | undefined,
  ) {
    this.draw();
  }

  setFilter(f: CellFilter | undefined): void {
    const same = f && this.filter && f.truth === this.filter.truth && f.predicted === this.filter.predicted;
    this.filter = same ? undefined : f;
    this.showAll = false;
    this.draw();
    this.onFilter(this.filter);
  }

  private draw(): void {
    clear(this.root);
    const all = this.m.errors ?? [];
    const regression = this.m.report?.kind === 'regression';
    const rows = filterErrors(all, this.filter);
    const total = this.m.errorCount ?? all.length;
    const what = regression ? 'largest errors' : 'wrong predictions, most confident first';
    const head = el(
      'div',
      { class: 'controls' },
      el('h4', {}, regression ? 'Largest errors' : 'Errors'),
      el(
        'span',
        { class: 'muted count' },
        this.filter ? `${rows.length} of ${all.length} shown` : `${all.length} of ${total} ${what}`,
      ),
    );
    if (this.filter) {
      const clearBtn = el(
        'button',
        { class: 'secondary clear-filter', title: 'show every error again' },
        `true ${this.filter.truth} → predicted ${this.filter.predicted} ✕`,
      );
      clearBtn.addEventListener('click', () => this.setFilter(undefined));
      head.append(clearBtn);
    }
    if (this.save && rows.length) {
      const exp = el('button', { class: 'export-csv', title: 'save these rows as a CSV file' }, 'Export CSV');
      exp.addEventListener('click', () =>
        this.save!(`errors-${this.m.split.replace(/[^\w.-]+/g, '_')}.csv`, errorsCsv(rows, this.m.labels)),
      );
      head.append(exp);
    }
    this.root.append(head);
    if (!rows.length) {
      this.root.append(
        el(
          'div',
          { class: 'muted' },
          this.filter
            ? 'No wrong predictions in this cell (correct predictions are not listed).'
            : 'No wrong predictions.',
        ),
      );
      return;
    }
    const table = el(
      'table',
      { class: 'error-table' },
      el(
        'tr',
        {},
        el('th', { class: 'num' }, regression ? '|error|' : 'confidence'),
        el('th', {}, 'true'),
        el('th', {}, 'predicted'),
        el('th', {}, 'text, probabilities and tokens'),
      ),
    );
    for (const e of this.showAll ? rows : rows.slice(0, FIRST_ROWS))
      table.append(errorRow(e, this.m.labels, regression));
    this.root.append(table);
    if (!this.showAll && rows.length > FIRST_ROWS) {
      const more = el('button', { class: 'secondary' }, `Show all ${rows.length}`);
      more.addEventListener('click', () => ((this.showAll = true), this.draw()));
      this.root.append(more);
    }
  }
}

/** Counts with the row rate under each; off-diagonal cells filter the error table when clicked. */
function confusionView(m: MetricsOutput, r: ClassificationReport | undefined, table: ErrorTable): HTMLElement {
  const cm = r?.confusion ?? m.confusion ?? [];
  const labels = r?.classes.map((c) => c.label) ?? m.labels;
  const theme = readTheme();
  const max = Math.max(1, ...cm.flat());
  const t = el('table', {
    class: 'cm',
    title: 'rows: true label, columns: predicted label; click a cell to list its errors',
  });
  t.append(el('tr', {}, el('th', { class: 'muted' }, 'true \\ predicted'), ...labels.map((l) => el('th', {}, l))));
  const cells: HTMLElement[] = [];
  cm.forEach((row, i) => {
    const tr = el('tr', {}, el('th', {}, labels[i] ?? String(i)));
    row.forEach((n, j) => {
      const rate = r?.confusion_rates[i]?.[j];
      const td = el(
        'td',
        {
          class: i === j ? 'cell diag' : 'cell',
          'data-true': labels[i],
          'data-pred': labels[j],
          tabindex: 0,
          role: 'button',
        },
        el('span', {}, String(n)),
        rate !== undefined ? el('span', { class: 'rate' }, `${(100 * rate).toFixed(0)}%`) : false,
      );
      td.style.backgroundColor = withAlpha(theme.series[i === j ? 2 : 4], 0.1 + (0.6 * n) / max);
      const pick = () => table.setFilter({ truth: labels[i], predicted: labels[j] });
      td.addEventListener('click', pick);
      td.addEventListener('keydown', (ev) => (ev.key === 'Enter' || ev.key === ' ') && pick());
      cells.push(td);
      tr.append(td);
    });
    t.append(tr);
  });
  table.onFilter = (f) =>
    cells.forEach((c) =>
      c.classList.toggle('selected', !!f && c.dataset.true === f.truth && c.dataset.pred === f.predicted),
    );
  return el(
    'div',
    {},
    el('h4', {}, 'Confusion matrix', el('span', { class: 'muted' }, '  counts, and the share of each true label')),
    t,
  );
}

export function evaluationView(given: MetricsOutput, save?: SaveCsv): HTMLElement {
  // A model folder evaluated without a %data cell has no labels of its own: the report's are the model's.
  const fromReport = given.report && given.report.kind !== 'regression' ? given.report.classes.map((c) => c.label) : [];
  const m: MetricsOutput = given.labels.length || !fromReport.length ? given : { ...given, labels: fromReport };
  const out = el(
    'div',
    { class: 'bn metrics' },
    el('h4', {}, `${m.split}`, el('span', { class: 'badge' }, `${m.rows} rows`)),
    warningsBox(m),
  );
  const r = m.report;
  const top = el('div', { class: 'side-by-side' }, metricsTable(m));
  if (r && r.kind !== 'regression') top.append(el('div', {}, el('h4', {}, 'Classification report'), reportTable(r)));
  out.append(top);
  const table = new ErrorTable(m, save);
  if (r?.kind === 'regression') out.append(residualPlot(r));
  else if ((r?.kind === 'single_label' && r.confusion.length) || m.confusion?.length)
    out.append(confusionView(m, r?.kind === 'single_label' ? r : undefined, table));
  if (m.errors) out.append(table.root);
  return out;
}
