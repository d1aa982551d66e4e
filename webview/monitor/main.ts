// Sidebar training monitor: the running training (progress, ETA, live charts, stop/pause) and the
// past runs found in output folders (final metrics, checkpoint, logs, compare two loss curves).
import 'uplot/dist/uPlot.min.css';
import '../shared/chart.css';
import '../panelkit/panel.css';
import './monitor.css';
import type { LiveRunView, MonitorToWebview, PastRunView, RunPoint } from '../../src/protocol/panels';
import { statusLook } from '../../src/protocol/runEvents';
import { clear, el } from '../panelkit/dom';
import { onMessage, post } from '../panelkit/host';
import { registerToolkit } from '../panelkit/toolkit';
import { trustBanner } from '../panelkit/trust';
import { LineChart } from '../shared/lineChart';
import { MonitorCharts } from './charts';
import { formatDuration, formatNumber } from '../shared/format';
import { smooth } from '../shared/smoothing';
import { onThemeChange } from '../shared/theme';

registerToolkit();

const app = document.getElementById('app')!;
const banner = el('div');
const liveBox = el('section', { class: 'live', 'data-testid': 'live' });
const chartsBox = el('div', { class: 'charts', 'data-testid': 'charts' });
const runsBox = el('section', { class: 'runs', 'data-testid': 'runs' });
const compareBox = el('div', { class: 'compare', 'data-testid': 'compare' });
app.append(banner, liveBox, chartsBox, el('h2', {}, 'Past runs'), runsBox, compareBox);

let trusted = true;
let live: LiveRunView | null = null;
let points: RunPoint[] = [];
let liveId = '';
const liveCharts = new MonitorCharts(chartsBox);
let compareChart: LineChart | undefined;
const selected = new Set<string>();

function button(
  label: string,
  testid: string,
  onClick: () => void,
  appearance = 'secondary',
): HTMLElement & { disabled: boolean } {
  const b = el('vscode-button', { appearance, 'data-testid': testid }, label) as HTMLElement & { disabled: boolean };
  b.addEventListener('click', onClick);
  return b;
}

function drawLive(): void {
  clear(liveBox);
  if (!live) {
    liveBox.append(
      el('p', { class: 'muted', 'data-testid': 'idle' }, 'No training is running.'),
      trusted ? button('Start Training…', 'start', () => post({ type: 'start' }), 'primary') : '',
    );
    return;
  }
  const v = live;
  const pct = v.maxSteps > 0 ? Math.min(100, (100 * v.step) / v.maxSteps) : 0;
  const progress = el('progress', { max: 100, value: pct.toFixed(1), 'aria-label': 'training progress' });
  const facts = [
    v.maxSteps > 0 ? `step ${v.step}/${v.maxSteps}` : `step ${v.step}`,
    `epoch ${v.epoch.toFixed(2)}`,
    v.etaSeconds !== undefined && v.status === 'running' ? `ETA ${formatDuration(v.etaSeconds)}` : '',
    v.samplesPerSecond !== undefined ? `${formatNumber(v.samplesPerSecond, 3)} samples/s` : '',
  ].filter(Boolean);
  const active = v.status === 'running' || v.status === 'paused' || v.status === 'starting';
  // Finished, stopped and failed each have their own word and colour (a stopped run is not a success).
  const look = statusLook(v.status);
  const status = el(
    'span',
    { 'data-testid': 'live-status', 'data-status': v.status, class: `tag status-${v.status} tone-${look.tone}` },
    look.word,
  );
  liveBox.append(
    el('div', { class: 'row spread' }, el('strong', { 'data-testid': 'live-label' }, v.label), status),
    v.origin ? el('p', { class: 'muted origin', 'data-testid': 'live-origin' }, `from ${v.origin}`) : '',
    runInfo(v.tags, v.note, 'live'),
    progress,
    el('p', { class: 'facts', 'data-testid': 'live-facts' }, facts.join(' · ')),
    v.message
      ? el('p', { class: v.status === 'failed' ? 'error' : 'muted', 'data-testid': 'live-message' }, v.message)
      : '',
    Object.keys(v.metrics).length ? metricsTable(v.metrics) : '',
    el(
      'div',
      { class: 'row' },
      active ? button('Stop', 'stop', () => post({ type: 'stop' }), 'primary') : '',
      v.status === 'running' && v.source !== 'notebook' ? button('Pause', 'pause', () => post({ type: 'pause' })) : '',
      v.status === 'paused' ? button('Resume', 'resume', () => post({ type: 'resume' })) : '',
      // A notebook's run is started again from its notebook, not from a config file.
      !active && trusted && v.source !== 'notebook'
        ? button('Start Training…', 'start', () => post({ type: 'start' }))
        : '',
      v.outputDir && trusted
        ? button('Rename / Tag / Note…', 'live-edit', () => post({ type: 'editRun', run: v.id }))
        : '',
    ),
    v.lastCheckpoint
      ? el('p', { class: 'muted', 'data-testid': 'live-checkpoint' }, `Last checkpoint: ${v.lastCheckpoint}`)
      : '',
  );
}

/** A run's tags as chips and its note, under its name. */
function runInfo(tags: string[], note: string | undefined, where: string): HTMLElement | string {
  if (!tags.length && !note) return '';
  return el(
    'div',
    { class: 'run-info', 'data-testid': `${where}-info` },
    tags.length
      ? el(
          'div',
          { class: 'chips', 'data-testid': `${where}-tags` },
          ...tags.map((t) => el('span', { class: 'chip' }, t)),
        )
      : '',
    note ? el('p', { class: 'note', 'data-testid': `${where}-note` }, note) : '',
  );
}

/** Eval metrics worth a place in a narrow list: not the timings. */
const NOT_SHOWN = /_(runtime|samples_per_second|steps_per_second)$/;

/** A run's checkpoints, each with its step and eval metrics; the best (metric_for_best_model) and the last marked. */
function checkpointList(r: PastRunView): HTMLElement {
  if (!r.checkpointMetrics.length)
    return el('div', { class: 'muted', 'data-testid': 'run-checkpoints' }, 'no checkpoints');
  const list = el('ul', { class: 'checkpoints', 'data-testid': 'run-checkpoints' });
  for (const c of r.checkpointMetrics) {
    const metrics = Object.entries(c.metrics)
      .filter(([k]) => !NOT_SHOWN.test(k))
      .slice(0, 4)
      .map(([k, v]) => `${k.replace(/^eval_/, '')} ${formatNumber(v, 3)}`)
      .join(' · ');
    list.append(
      el(
        'li',
        {
          class: `checkpoint${c.best ? ' best' : ''}${c.last ? ' last' : ''}`,
          'data-testid': 'checkpoint',
          'data-step': String(c.step),
          title: c.path,
        },
        el('span', { class: 'ck-name' }, `checkpoint-${c.step}`),
        c.best ? el('span', { class: 'tag best', 'data-testid': 'ck-best' }, 'best') : '',
        c.last ? el('span', { class: 'tag last', 'data-testid': 'ck-last' }, 'last') : '',
        el('div', { class: 'muted ck-metrics' }, `step ${c.step}${metrics ? ` · ${metrics}` : ' · not evaluated'}`),
      ),
    );
  }
  return list;
}

function metricsTable(m: Record<string, number>): HTMLElement {
  const t = el('table', { class: 'metrics' });
  for (const [k, v] of Object.entries(m).sort()) t.append(el('tr', {}, el('td', {}, k), el('td', {}, formatNumber(v))));
  return t;
}

function drawCharts(): void {
  liveCharts.update(points, { maxSteps: live?.maxSteps, schedule: live?.schedule });
}

function drawRuns(runs: PastRunView[], roots: string[]): void {
  clear(runsBox);
  if (!runs.length) {
    const why = !trusted
      ? 'Runs of this folder are listed once you trust it.'
      : roots.length
        ? `No runs in ${roots.join(', ')} yet.`
        : 'Open a folder to see its runs.';
    runsBox.append(el('p', { class: 'muted', 'data-testid': 'no-runs' }, why));
    return;
  }
  for (const r of runs) {
    const check = el('vscode-checkbox', {
      'data-testid': 'compare-pick',
      title: 'Pick two runs to compare their loss curves',
    }) as HTMLElement & { checked: boolean };
    check.checked = selected.has(r.id);
    check.addEventListener('change', () => {
      if (check.checked) selected.add(r.id);
      else selected.delete(r.id);
      compareButton.disabled = selected.size !== 2;
    });
    const top = Object.entries(r.finalMetrics)
      .filter(([k]) => /accuracy|f1|loss|perplexity/.test(k))
      .slice(0, 4);
    runsBox.append(
      el(
        'div',
        { class: 'run', 'data-testid': 'run', 'data-run': r.id },
        el(
          'div',
          { class: 'row spread' },
          el('span', {}, check, el('strong', { 'data-testid': 'run-label' }, r.label)),
          el('span', { class: 'muted' }, r.when ?? ''),
        ),
        el(
          'div',
          { class: 'muted' },
          top.length ? top.map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ') : 'no final metrics',
        ),
        runInfo(r.tags, r.note, 'run'),
        checkpointList(r),
        el(
          'div',
          { class: 'row' },
          r.checkpoints.length
            ? button('Open checkpoint', 'open-checkpoint', () => post({ type: 'openCheckpoint', run: r.id }))
            : '',
          r.hasLogs ? button('Open logs', 'open-logs', () => post({ type: 'openLogs', run: r.id })) : '',
          trusted ? button('Rename / Tag / Note…', 'run-edit', () => post({ type: 'editRun', run: r.id })) : '',
        ),
        // What a person does next with a trained model (src/extension/compare/runActions.ts).
        el(
          'div',
          { class: 'row' },
          button('Evaluate…', 'run-evaluate', () => post({ type: 'runAction', run: r.id, action: 'evaluate' })),
          button('Try it…', 'run-try', () => post({ type: 'runAction', run: r.id, action: 'try' })),
          button('Predict a file…', 'run-predict', () => post({ type: 'runAction', run: r.id, action: 'predict' })),
          button('Export…', 'run-export', () => post({ type: 'runAction', run: r.id, action: 'export' })),
          button('Open in a notebook', 'run-notebook', () =>
            post({ type: 'runAction', run: r.id, action: 'notebook' }),
          ),
        ),
      ),
    );
  }
  const compareButton = button('Compare selected', 'compare', () => post({ type: 'compare', runs: [...selected] }));
  compareButton.disabled = selected.size !== 2;
  runsBox.append(
    el(
      'div',
      { class: 'row' },
      compareButton,
      button('Refresh', 'refresh', () => post({ type: 'refresh' })),
    ),
  );
}

function drawCompare(s: { id: string; label: string; points: RunPoint[] }[]): void {
  compareChart?.destroy();
  compareChart = undefined;
  clear(compareBox);
  if (s.length < 2) return;
  compareBox.append(el('h2', {}, `Loss: ${s.map((x) => x.label).join(' vs ')}`));
  // Align both runs on the union of their steps.
  const steps = [...new Set(s.flatMap((r) => r.points.filter((p) => p.loss !== undefined).map((p) => p.step)))].sort(
    (a, b) => a - b,
  );
  const byRun = s.map(
    (r) => new Map(r.points.filter((p) => p.loss !== undefined).map((p) => [p.step, p.loss as number])),
  );
  compareChart = new LineChart(compareBox, {
    title: 'Training loss (smoothed)',
    xLabel: 'step',
    yLabel: 'loss',
    height: 230,
    formatY: (v) => formatNumber(v, 3),
  });
  compareChart.update(
    steps,
    s.map((r, i) => ({
      label: r.label,
      values: smooth(
        steps.map((st) => byRun[i].get(st) ?? null),
        0.6,
      ),
      color: i,
    })),
  );
}

onThemeChange(() => {
  liveCharts.retheme();
  compareChart?.retheme();
});

onMessage((raw) => {
  const m = raw as unknown as MonitorToWebview;
  switch (m.type) {
    case 'init':
      trusted = m.trusted;
      clear(banner);
      if (!trusted) banner.append(trustBanner('start trainings or read run folders here'));
      drawLive();
      break;
    case 'live':
      live = m.run;
      if (live && live.id !== liveId) {
        liveId = live.id;
        points = [];
        drawCharts();
      }
      drawLive();
      break;
    case 'points':
      if (m.runId !== liveId) {
        liveId = m.runId;
        points = [];
      }
      points = m.reset ? m.points : points.concat(m.points);
      drawCharts();
      break;
    case 'runs':
      drawRuns(m.runs, m.outputRoots);
      break;
    case 'compare':
      drawCompare(m.series);
      break;
  }
});

post({ type: 'ready' });
