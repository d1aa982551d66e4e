// The monitor's live charts, drawn with the same chart code as the notebook output: training loss
// (smoothed over raw), the learning rate (with the planned schedule dashed when the host sends one),
// and evaluation metrics in small multiples (losses apart from scores), each with axis titles, a
// placeholder before data and its latest numbers underneath.
import { el } from '../panelkit/dom';
import { LineChart, type ChartMarker } from '../shared/lineChart';
import { groupCharts, noGroupCharts, type GroupCharts } from '../shared/groupCharts';
import { smooth } from '../shared/smoothing';
import { formatNumber } from '../shared/format';
import { alignOnX, bestValue, groupMetrics, lastValue, progressRange, stepRange } from '../shared/chartMath';
import type { RunPoint } from '../../src/protocol/panels';
import type { PlannedSchedule } from '../../src/protocol/runEvents';

const fmt3 = (v: number) => formatNumber(v, 3);
const fmtLr = (v: number) => (v === 0 ? '0' : v.toExponential(1));

export interface MonitorChartContext {
  /** The run's planned length: the learning-rate axis spans it when a schedule is given. */
  maxSteps?: number;
  schedule?: PlannedSchedule;
  markers?: ChartMarker[];
}

export class MonitorCharts {
  private loss: LineChart | undefined;
  private lr: LineChart | undefined;
  private evals: GroupCharts = noGroupCharts();
  private readonly evalBox = el('div', { class: 'eval-charts' });

  constructor(private readonly box: HTMLElement) {}

  update(points: RunPoint[], ctx: MonitorChartContext = {}): void {
    if (!points.length) return this.clear();
    const x = points.map((p) => p.step);
    const xRange = progressRange(0, x);
    const planRange = stepRange(x, ctx.maxSteps || ctx.schedule?.max_steps);
    const col = (key: string) => points.map((p) => (typeof p[key] === 'number' ? (p[key] as number) : null));
    const loss = col('loss');
    const smoothed = smooth(loss, 0.6);
    const last = lastValue(loss);
    if (!this.loss) {
      this.loss = new LineChart(this.box, {
        title: 'Training loss',
        xLabel: 'step',
        yLabel: 'loss',
        height: 230,
        formatY: fmt3,
      });
      this.lr = new LineChart(this.box, {
        title: 'Learning rate',
        xLabel: 'step',
        yLabel: 'learning rate',
        height: 170,
        yFromZero: true,
        formatY: fmtLr,
      });
      this.box.append(this.evalBox);
    }
    this.loss.update(
      x,
      [
        { label: 'raw', values: loss, faint: true, color: 0 },
        { label: 'smoothed', values: smoothed, color: 0, width: 2.5 },
      ],
      {
        xRange,
        markers: ctx.markers,
        placeholder: 'Waiting for the first logged loss.',
        footer: last
          ? `loss ${fmt3(last.value)} at step ${x[last.index]} · smoothed ${fmt3(smoothed[last.index] ?? NaN)}`
          : '',
      },
    );
    const plan = ctx.schedule;
    const lr = alignOnX([
      { x: plan?.points.map((p) => p[0]) ?? [], y: plan?.points.map((p) => p[1]) ?? [] },
      { x, y: col('learning_rate') },
    ]);
    const lrNow = lastValue(col('learning_rate'));
    const logged = { label: 'learning rate', values: lr.ys[1], color: 1 };
    // Without a plan from the host, a "planned: –" entry would only push the logged value out of a narrow legend.
    this.lr!.update(
      lr.x,
      plan ? [{ label: 'planned', values: lr.ys[0], color: 1, dash: true, width: 1.5 }, logged] : [logged],
      {
        // With a planned schedule the whole plan is in view; without one, only the steps so far.
        xRange: plan ? planRange : xRange,
        markers: ctx.markers?.filter((m) => m.kind === 'resume'),
        footer: [
          lrNow ? `now ${fmtLr(lrNow.value)}` : '',
          plan ? `${plan.lr_scheduler_type}, ${plan.max_steps} steps planned` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      },
    );
    this.drawEvals(points, xRange, ctx.markers);
  }

  private drawEvals(points: RunPoint[], xRange: [number, number], markers: ChartMarker[] | undefined): void {
    const withEval = points.filter((p) => Object.keys(p).some((k) => k.startsWith('eval_')));
    const names = [
      ...new Set(
        withEval.flatMap((p) =>
          Object.keys(p)
            .filter((k) => k.startsWith('eval_'))
            .map((k) => k.slice(5)),
        ),
      ),
    ];
    const groups = groupMetrics(names);
    this.evals = groupCharts(this.evals, groups, this.evalBox, 190, (box) => box);
    const x = withEval.map((p) => p.step);
    for (const g of groups) {
      const series = g.metrics.map((n, i) => ({
        label: n,
        values: withEval.map((p) => (typeof p[`eval_${n}`] === 'number' ? (p[`eval_${n}`] as number) : null)),
        color: (g.unit ? 2 : 0) + i,
        points: true,
      }));
      const best = g.metrics.length === 1 ? bestValue(series[0].values, g.unit) : undefined;
      const lastStep = x.at(-1);
      const footer = [
        `step ${lastStep}: ${series.map((s) => `${s.label} ${fmt3(lastValue(s.values)?.value ?? NaN)}`).join(' · ')}`,
        best && x.length > 1 ? `best ${fmt3(best.value)} at step ${x[best.index]}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      this.evals.charts.get(g.title)?.update(x, series, { xRange, markers, footer });
    }
  }

  retheme(): void {
    for (const c of [this.loss, this.lr, ...this.evals.charts.values()]) c?.retheme();
  }

  clear(): void {
    for (const c of [this.loss, this.lr, ...this.evals.charts.values()]) c?.destroy();
    this.loss = this.lr = undefined;
    this.evals = noGroupCharts();
    this.evalBox.replaceChildren();
    this.evalBox.remove();
  }
}
