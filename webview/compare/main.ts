// Compare Runs (an editor tab, so it is in view as soon as it opens): any logged metric of the runs
// overlaid, x by step, epoch or wall time; a sortable table of the runs with the settings that differ
// highlighted and their final and best metrics; each run's checkpoints with their eval metrics.
import 'uplot/dist/uPlot.min.css';
import '../panelkit/panel.css';
import './compare.css';
import type { CompareRun, CompareToWebview } from '../../src/protocol/compare';
import { clear, el } from '../panelkit/dom';
import { onMessage, post } from '../panelkit/host';
import { LineChart } from '../shared/lineChart';
import { formatDuration, formatNumber } from '../shared/format';
import { onThemeChange } from '../shared/theme';
import {
  alignSeries,
  formatRunLength,
  hasTime,
  longestRunSeconds,
  metricNames,
  runsWithTag,
  sortRows,
  tagsOf,
  type Cell,
  type XAxis,
} from './model';

const app = document.getElementById('app')!;
const state = {
  runs: [] as CompareRun[],
  differing: [] as string[],
  x: 'step' as XAxis,
  metrics: ['loss', 'eval_loss'],
  sort: { key: 'name', desc: false },
  allSettings: false,
  /** Only the runs with this tag ('' = every run). */
  tag: '',
};

/** The runs shown (the tag filter applied); each keeps its colour, its place among all runs. */
const shown = (): CompareRun[] => runsWithTag(state.runs, state.tag);
const colorOf = (r: CompareRun): number => state.runs.indexOf(r);
let charts: LineChart[] = [];

function select(
  testid: string,
  options: Array<[string, string]>,
  value: string,
  onChange: (v: string) => void,
): HTMLSelectElement {
  const s = el('select', { 'data-testid': testid }) as HTMLSelectElement;
  for (const [v, label] of options) s.append(el('option', { value: v }, label));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function drawCharts(box: HTMLElement): void {
  charts.forEach((c) => c.destroy());
  charts = [];
  clear(box);
  const names = metricNames(state.runs);
  state.metrics.forEach((metric, slot) => {
    const cell = el('div', { class: 'chart-cell', 'data-testid': `chart-${slot}`, 'data-metric': metric });
    const pick = select(
      `metric-${slot}`,
      names.map((n) => [n, n]),
      metric,
      (v) => ((state.metrics[slot] = v), draw()),
    );
    cell.append(el('div', { class: 'row' }, el('label', {}, 'metric ', pick)));
    box.append(cell);
    const runs = shown();
    const { x, values } = alignSeries(runs, metric, state.x);
    const chart = new LineChart(cell, {
      title: metric,
      xLabel: state.x === 'time' ? 'seconds since start' : state.x,
      height: 240,
      formatY: (v) => formatNumber(v, 4),
    });
    chart.update(
      x,
      runs.map((r, i) => ({ label: r.name, values: values[i], color: colorOf(r), points: metric.startsWith('eval_') })),
    );
    charts.push(chart);
  });
}

type Row = { run: CompareRun; cells: Record<string, Cell> };

function fmt(v: Cell): string {
  return typeof v === 'number' ? formatNumber(v) : v === null || v === undefined ? '–' : String(v);
}

function drawTable(box: HTMLElement): void {
  clear(box);
  const settings = state.allSettings
    ? [...new Set(state.runs.flatMap((r) => Object.keys(r.hyperparameters)))].sort()
    : state.differing;
  // The headline metrics; every logged one with "show every setting".
  const headline = new Set([
    'loss',
    'eval_loss',
    'eval_accuracy',
    'eval_f1_macro',
    'eval_mcc',
    'eval_mae',
    'eval_perplexity',
  ]);
  const finals = metricNames(state.runs).filter(
    (k) => (state.allSettings ? k === 'loss' || k.startsWith('eval_') : headline.has(k)) && k !== 'eval_runtime',
  );
  const rows: Row[] = shown().map((run) => ({
    run,
    cells: {
      name: run.name,
      tags: run.tags.join(', ') || null,
      note: run.note,
      ...Object.fromEntries(settings.map((k) => [`hp:${k}`, run.hyperparameters[k] ?? null])),
      ...Object.fromEntries(finals.map((k) => [`m:${k}`, run.final[k]])),
      best: run.best?.value ?? null,
    },
  }));
  const cols: Array<{ key: string; label: string; cls: string }> = [
    { key: 'name', label: 'run', cls: 'name' },
    { key: 'tags', label: 'tags', cls: 'tags' },
    { key: 'note', label: 'note', cls: 'note' },
    ...settings.map((k) => ({ key: `hp:${k}`, label: k, cls: state.differing.includes(k) ? 'hp differs' : 'hp' })),
    ...finals.map((k) => ({ key: `m:${k}`, label: k === 'loss' ? 'final loss' : k, cls: 'num' })),
    { key: 'best', label: `best (${state.runs[0]?.best?.metric ?? 'metric_for_best_model'})`, cls: 'num' },
  ];
  const head = el('tr', {});
  for (const c of cols) {
    const arrow = state.sort.key === c.key ? (state.sort.desc ? ' ▼' : ' ▲') : '';
    const th = el(
      'th',
      { class: `${c.cls} sortable`, 'data-key': c.key, title: 'sort by this column' },
      c.label + arrow,
    );
    th.addEventListener(
      'click',
      () => ((state.sort = { key: c.key, desc: state.sort.key === c.key ? !state.sort.desc : false }), draw()),
    );
    head.append(th);
  }
  const table = el('table', { class: 'runs-table', 'data-testid': 'runs-table' }, head);
  for (const r of sortRows(rows, (x) => x.cells[state.sort.key], state.sort.desc)) {
    table.append(
      el(
        'tr',
        { 'data-run': r.run.dir },
        ...cols.map((c) =>
          el('td', { class: c.cls, title: c.key === 'note' ? fmt(r.cells.note) : '' }, fmt(r.cells[c.key])),
        ),
      ),
    );
  }
  const toggle = el(
    'label',
    {},
    el('input', { type: 'checkbox', 'data-testid': 'all-settings', ...(state.allSettings ? { checked: true } : {}) }),
    ' show every setting and metric',
  );
  toggle
    .querySelector('input')!
    .addEventListener('change', (ev) => ((state.allSettings = (ev.target as HTMLInputElement).checked), draw()));
  const note = state.differing.length
    ? `Highlighted: the settings that differ (${state.differing.join(', ')}).`
    : 'The runs have the same settings.';
  box.append(
    el('div', { class: 'row spread' }, el('span', { class: 'muted' }, note), toggle),
    el('div', { class: 'table-scroll' }, table),
  );
}

function drawCheckpoints(box: HTMLElement): void {
  clear(box);
  for (const r of shown()) {
    const list = el('ul', { class: 'checkpoints' });
    for (const c of r.checkpoints) {
      const metrics = Object.entries(c.metrics)
        .filter(([k]) => k !== 'eval_runtime')
        .map(([k, v]) => `${k.replace(/^eval_/, '')} ${formatNumber(v)}`)
        .join(' · ');
      const open = el('a', { href: '#', 'data-testid': 'checkpoint' }, `checkpoint-${c.step}`);
      open.addEventListener('click', (ev) => (ev.preventDefault(), post({ type: 'openCheckpoint', path: c.path })));
      list.append(
        el(
          'li',
          { class: c.best ? 'best' : '' },
          open,
          c.best ? el('span', { class: 'tag' }, 'best') : '',
          c.last ? el('span', { class: 'tag last' }, 'last') : '',
          el('span', { class: 'muted' }, `  step ${c.step}${metrics ? ` · ${metrics}` : ' · not evaluated'}`),
        ),
      );
    }
    box.append(el('h3', {}, r.name), r.checkpoints.length ? list : el('p', { class: 'muted' }, 'no checkpoints'));
  }
}

function draw(): void {
  clear(app);
  if (!state.runs.length) {
    app.append(el('p', { class: 'muted' }, 'No runs to compare.'));
    return;
  }
  const axes: Array<[string, string]> = [
    ['step', 'step'],
    ['epoch', 'epoch'],
    ...(hasTime(state.runs) ? ([['time', 'wall time']] as Array<[string, string]>) : []),
  ];
  const longest = longestRunSeconds(shown());
  const tags = tagsOf(state.runs);
  app.append(
    el(
      'h1',
      {},
      state.tag
        ? `Compare ${shown().length} of ${state.runs.length} runs (tag ${state.tag})`
        : `Compare ${state.runs.length} runs`,
    ),
    el(
      'div',
      { class: 'row' },
      el(
        'label',
        {},
        'x axis ',
        select('x-axis', axes, state.x, (v) => ((state.x = v as XAxis), draw())),
      ),
      tags.length
        ? el(
            'label',
            {},
            'tag ',
            select(
              'tag-filter',
              [['', 'every run'], ...tags.map((t): [string, string] => [t, t])],
              state.tag,
              (v) => ((state.tag = v), draw()),
            ),
          )
        : '',
      longest
        ? el(
            'span',
            { class: 'muted', 'data-testid': 'longest' },
            `longest run ${formatRunLength(longest, formatDuration)}`,
          )
        : '',
    ),
  );
  const chartsBox = el('div', { class: 'chart-grid' });
  const tableBox = el('section', {});
  const ckBox = el('section', {});
  app.append(chartsBox, el('h2', {}, 'Runs'), tableBox, el('h2', {}, 'Checkpoints'), ckBox);
  drawCharts(chartsBox);
  drawTable(tableBox);
  drawCheckpoints(ckBox);
}

onMessage((m) => {
  if (m.type !== 'runs') return;
  const msg = m as unknown as CompareToWebview;
  state.runs = msg.runs;
  state.differing = msg.differing;
  const names = metricNames(msg.runs);
  const evalMetric = names.find((n) => n === 'eval_loss') ?? names.find((n) => n.startsWith('eval_'));
  state.metrics = [names.includes('loss') ? 'loss' : names[0], evalMetric ?? names[1] ?? names[0]].filter(Boolean);
  draw();
});
onThemeChange(() => charts.forEach((c) => c.retheme()));
post({ type: 'ready' });
