// The charts of the live training view, from one TrainingOutput: loss (a smoothed line over the raw
// one), the learning rate (the whole planned schedule dashed, the logged rate over it), evaluation
// metrics in small multiples (losses apart from scores, each chart with its own labelled axis) and
// throughput. The learning rate's step axis spans the planned run, the others the steps reached so far;
// they share markers (evaluations, best checkpoint, early stop, resume) and print their latest numbers
// underneath.
import { el } from '../panelkit/dom';
import { LineChart, type ChartMarker } from '../shared/lineChart';
import { groupCharts, noGroupCharts, type GroupCharts } from '../shared/groupCharts';
import { smooth } from '../shared/smoothing';
import { formatNumber } from '../shared/format';
import {
  alignOnX,
  bestValue,
  evalPlaceholder,
  groupMetrics,
  isLossLike,
  lastValue,
  progressRange,
  stepRange,
  type MetricGroup,
} from '../shared/chartMath';
import type { TrainingOutput } from '../../src/protocol/notebook-outputs';

/** Chart height in px, axes included (the x axis and its title take ~50 of it). */
const MAIN_HEIGHT = 240;
const SMALL_HEIGHT = 200;

const fmt3 = (v: number) => formatNumber(v, 3);
const fmtLr = (v: number) => (v === 0 ? '0' : v.toExponential(1));
type Values = Array<number | null>;

/** `label value [after]` facts with the value in bold, for the line under a chart; a lone string leads. */
type Fact = [string, string] | [string, string, string] | string;
function facts(parts: Fact[]): Node[] {
  const out: Node[] = [];
  parts.forEach((p, i) => {
    if (i && !(typeof parts[i - 1] === 'string' && i === 1)) out.push(document.createTextNode(' · '));
    else if (i) out.push(document.createTextNode(' '));
    if (typeof p === 'string') out.push(document.createTextNode(p));
    else
      out.push(
        document.createTextNode(`${p[0]} `),
        el('b', {}, p[1]),
        ...(p[2] ? [document.createTextNode(` ${p[2]}`)] : []),
      );
  });
  return out;
}

/** Chart markers from the payload: evaluation ticks, best checkpoint, early stop, resume. */
export function chartMarkers(t: TrainingOutput, withEvals: boolean): ChartMarker[] {
  const out: ChartMarker[] = withEvals ? t.evals.map((e) => ({ step: e.step, kind: 'eval' as const })) : [];
  for (const m of t.markers ?? []) {
    if (m.kind === 'best') out.push({ step: m.step, kind: 'best', label: `best checkpoint (step ${m.step})` });
    else if (m.kind === 'early_stop') out.push({ step: m.step, kind: 'stop', label: 'early stop' });
    else out.push({ step: m.step, kind: 'resume', label: `resumed at ${m.step}` });
  }
  return out;
}

export class TrainingCharts {
  private readonly loss: LineChart;
  private readonly lr: LineChart;
  private readonly speed: LineChart;
  private readonly evalBox = el('div', { class: 'eval-charts' });
  private evals: GroupCharts = noGroupCharts();
  smoothing = 0.6;

  constructor(parent: HTMLElement) {
    const main = el('div', { class: 'chart-main' });
    const grid = el('div', { class: 'charts' });
    const lrCell = el('div', {});
    const speedCell = el('div', {});
    grid.append(lrCell, this.evalBox, speedCell);
    parent.append(main, grid);
    this.loss = new LineChart(main, {
      title: 'Training loss',
      xLabel: 'step',
      yLabel: 'loss',
      height: MAIN_HEIGHT,
      formatY: fmt3,
    });
    this.lr = new LineChart(lrCell, {
      title: 'Learning rate',
      xLabel: 'step',
      yLabel: 'learning rate',
      height: SMALL_HEIGHT,
      yFromZero: true,
      formatY: fmtLr,
    });
    this.speed = new LineChart(speedCell, {
      title: 'Throughput',
      xLabel: 'step',
      yLabel: 'samples / s',
      height: SMALL_HEIGHT,
      yFromZero: true,
      formatY: fmt3,
    });
  }

  update(t: TrainingOutput): void {
    // The learning rate shows the whole plan ahead; the other charts what has happened up to now.
    const planRange = stepRange(t.series.step, t.totalSteps || t.schedule?.max_steps);
    const xRange = progressRange(t.step, t.series.step, t.totalSteps || t.schedule?.max_steps);
    const markers = chartMarkers(t, false);
    // Throughput and learning rate do not change at the best checkpoint or an early stop: only the resume is marked there.
    const resumeOnly = markers.filter((m) => m.kind === 'resume');
    this.drawLoss(t, xRange);
    this.drawLr(t, planRange, resumeOnly);
    const sps = t.series.samplesPerSec as Values;
    const lastSps = lastValue(sps);
    const known = sps.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    this.speed.update(t.series.step, [{ label: 'samples/s', values: sps, color: 5 }], {
      xRange,
      markers: resumeOnly,
      placeholder: 'Waiting for the first logged step.',
      footer: lastSps
        ? facts([
            ['now', `${fmt3(lastSps.value)} samples/s`],
            ['mean', fmt3(known.reduce((a, b) => a + b, 0) / known.length)],
          ])
        : '',
    });
    this.drawEvals(t, xRange, markers);
  }

  private drawLoss(t: TrainingOutput, xRange: [number, number]): void {
    const raw = t.series.loss as Values;
    const smoothed = smooth(raw, this.smoothing);
    const last = lastValue(raw);
    const low = bestValue(smoothed);
    this.loss.update(
      t.series.step,
      [
        { label: 'raw', values: raw, color: 0, faint: true },
        { label: 'smoothed', values: smoothed, color: 0, width: 2.5 },
      ],
      {
        xRange,
        markers: chartMarkers(t, true),
        placeholder: 'Waiting for the first logged step.',
        footer: last
          ? facts([
              `step ${t.series.step[last.index]}:`,
              ['loss', fmt3(last.value)],
              ['smoothed', fmt3(smoothed[last.index] ?? NaN)],
              ...(low ? [['lowest smoothed', fmt3(low.value), `at step ${t.series.step[low.index]}`] as Fact] : []),
            ])
          : '',
      },
    );
  }

  private drawLr(t: TrainingOutput, xRange: [number, number], markers: ChartMarker[]): void {
    const plan = t.schedule;
    const logged = t.series.learningRate as Values;
    // A resumed run's plan starts at the resume: the steps before it followed the checkpoint's own plan (logged).
    const ahead = plan?.points.filter(([step]) => step > (t.resumedFromStep ?? 0)) ?? [];
    const { x, ys } = alignOnX([
      { x: ahead.map((p) => p[0]), y: ahead.map((p) => p[1]) },
      { x: t.series.step, y: logged },
    ]);
    const now = lastValue(logged);
    const planWords = plan
      ? `${plan.lr_scheduler_type}${plan.warmup_steps ? `, warmup ${plan.warmup_steps} steps` : ''}, ${plan.max_steps} steps planned`
      : '';
    this.lr.update(
      x,
      [
        { label: 'planned', values: ys[0], color: 1, dash: true, width: 1.5 },
        { label: 'logged', values: ys[1], color: 1 },
      ],
      {
        xRange,
        markers,
        placeholder: 'Waiting for the first logged step.',
        footer: facts([
          ...(now ? [['now', fmtLr(now.value)] as [string, string]] : []),
          ...(plan ? [['peak', fmtLr(plan.learning_rate)] as [string, string], planWords] : []),
          ...(t.scheduleNote ? [t.scheduleNote] : []),
        ]),
      },
    );
  }

  private evalGroups(t: TrainingOutput): MetricGroup[] {
    const names = [...new Set(t.evals.flatMap((e) => Object.keys(e.metrics)))];
    const groups = groupMetrics(names);
    return groups.length ? groups : [{ title: 'Evaluation', yLabel: 'metric', metrics: [], unit: false }];
  }

  private drawEvals(t: TrainingOutput, xRange: [number, number], markers: ChartMarker[]): void {
    const groups = this.evalGroups(t);
    this.evals = groupCharts(this.evals, groups, this.evalBox, SMALL_HEIGHT, (box) => box.appendChild(el('div', {})));
    const x = t.evals.map((e) => e.step);
    const finished = !(t.status === 'running' || t.status === 'starting');
    const placeholder = evalPlaceholder(t.evalPlan, t.step, t.totalSteps, finished);
    for (const g of groups) {
      const series = g.metrics.map((n, i) => ({
        label: n,
        values: t.evals.map((e) => e.metrics[n] ?? null),
        color: (g.unit ? 2 : 0) + i,
        points: true,
      }));
      const lastEval = t.evals.at(-1);
      const best = g.metrics.length === 1 ? bestValue(series[0].values, !isLossLike(g.metrics[0])) : undefined;
      const footer = lastEval
        ? facts([
            `step ${lastEval.step}:`,
            ...g.metrics.map((n): [string, string] => [n, fmt3(lastEval.metrics[n] ?? NaN)]),
            ...(best && t.evals.length > 1 ? [['best', fmt3(best.value), `at step ${x[best.index]}`] as Fact] : []),
          ])
        : '';
      this.evals.charts.get(g.title)?.update(x, series, { xRange, markers, placeholder, footer });
    }
  }

  retheme(): void {
    for (const c of this.all()) c.retheme();
  }

  dispose(): void {
    for (const c of this.all()) c.destroy();
  }

  private all(): LineChart[] {
    return [this.loss, this.lr, this.speed, ...this.evals.charts.values()];
  }
}
