// A themed, resizable uPlot line chart that can be fed new data many times a second without being
// rebuilt (setData), and rebuilt only when its series change or the theme does. Around the plot: a
// header with the title and a one-line hover legend, axis titles, vertical markers (evaluations, best
// checkpoint, early stop, resume), a placeholder while there is nothing to draw, numbers underneath.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css' with { type: 'text' };
import chartCss from './chart.css' with { type: 'text' };
import { readTheme, type ChartTheme } from './theme';
import { labelRows, stepTick, valueRange, type Range } from './chartMath';

export { uplotCss, chartCss };

export interface LineSeries {
  label: string;
  values: Array<number | null>;
  /** Index into the theme's series colours. */
  color?: number;
  width?: number;
  /** Drawn faintly (e.g. raw loss under its smoothed line), still at the theme's faint contrast. */
  faint?: boolean;
  /** Dashed (e.g. the planned learning rate ahead of the logged one). */
  dash?: boolean;
  points?: boolean;
}

export type MarkerKind = 'eval' | 'best' | 'stop' | 'resume';
export interface ChartMarker {
  step: number;
  kind: MarkerKind;
  /** Written at the top of the line; unlabelled markers (evaluations) are short ticks. */
  label?: string;
}

export interface ChartFrame {
  /** x range; default: the data's. */
  xRange?: Range;
  markers?: ChartMarker[];
  /** Shown over the plot while no series has a value. */
  placeholder?: string;
  /** The numbers under the chart (plain text, or nodes). */
  footer?: string | Node[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  /** y-axis title, with its unit. */
  yLabel?: string;
  height?: number;
  yLog?: boolean;
  /** Scores in 0..1 get the whole 0..1 axis. */
  yUnit?: boolean;
  /** The y axis starts at 0 (learning rate, throughput). */
  yFromZero?: boolean;
  formatY?: (v: number) => string;
}

/** Nice step-axis increments: whole steps only. */
const STEP_INCRS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000, 200000,
  500000, 1e6,
];

/** Room above the values for marker labels (the top 12 % of the plot). */
function headroom(r: Range, labels: boolean): Range {
  return labels ? [r[0], r[1] + (r[1] - r[0]) * 0.14] : r;
}

/** The last index where a solid (not dashed) series has a value: what the legend shows at rest. */
function lastDrawnIndex(series: LineSeries[]): number | null {
  let idx = -1;
  for (const s of series) {
    if (s.dash) continue;
    for (let i = s.values.length - 1; i > idx; i--) {
      if (s.values[i] !== null && s.values[i] !== undefined) {
        idx = i;
        break;
      }
    }
  }
  return idx >= 0 ? idx : null;
}

export class LineChart {
  private plot: uPlot | undefined;
  private key = '';
  private readonly box: HTMLDivElement;
  private readonly legendBox: HTMLDivElement;
  private readonly placeholder: HTMLDivElement;
  private readonly foot: HTMLDivElement;
  private readonly resize: ResizeObserver;
  private last: { x: number[]; series: LineSeries[] } | undefined;
  private frame: ChartFrame = {};
  private yr: Range | undefined;
  private theme: ChartTheme | undefined;
  private lastIdx: number | null = null;

  constructor(
    parent: HTMLElement,
    private readonly opts: LineChartOptions,
  ) {
    this.box = document.createElement('div');
    this.box.className = 'chart';
    this.box.dataset.title = opts.title;
    const head = document.createElement('div');
    head.className = 'chart-head';
    const title = document.createElement('span');
    title.className = 'chart-title';
    title.textContent = opts.title;
    this.legendBox = document.createElement('div');
    this.legendBox.className = 'chart-legend';
    head.append(title, this.legendBox);
    this.placeholder = document.createElement('div');
    this.placeholder.className = 'chart-placeholder';
    this.placeholder.hidden = true;
    this.foot = document.createElement('div');
    this.foot.className = 'chart-foot';
    this.box.append(head, this.placeholder, this.foot);
    parent.append(this.box);
    this.resize = new ResizeObserver(() => {
      if (this.plot && this.plot.width !== this.width())
        this.plot.setSize({ width: this.width(), height: this.opts.height ?? 180 });
    });
    this.resize.observe(parent);
  }

  /** The chart's root element (for tests and layout). */
  get element(): HTMLElement {
    return this.box;
  }

  private width(): number {
    return Math.max(200, Math.floor((this.box.parentElement?.clientWidth ?? 400) - 4));
  }

  /** Points currently drawn (x values), exposed for tests via data-points. */
  get points(): number {
    return this.last?.x.length ?? 0;
  }

  update(x: number[], series: LineSeries[], frame: ChartFrame = {}): void {
    this.last = { x, series };
    this.frame = frame;
    this.box.dataset.points = String(x.length);
    const empty = !series.some((s) => s.values.some((v) => v !== null && v !== undefined));
    this.placeholder.hidden = !(empty && frame.placeholder);
    this.placeholder.textContent = frame.placeholder ?? '';
    this.box.dataset.empty = String(empty);
    this.box.dataset.xRange = frame.xRange ? frame.xRange.join(',') : '';
    this.box.dataset.markers = (frame.markers ?? []).map((m) => `${m.kind}@${m.step}`).join(' ');
    this.foot.replaceChildren(...(typeof frame.footer === 'string' ? [frame.footer] : (frame.footer ?? [])));
    this.yr = this.opts.yLog
      ? undefined
      : headroom(
          valueRange(
            series.flatMap((s) => s.values),
            { unit: this.opts.yUnit, fromZero: this.opts.yFromZero },
          ),
          (frame.markers ?? []).some((m) => m.label),
        );
    this.lastIdx = lastDrawnIndex(series);
    const key = series.map((s) => `${s.label}/${s.color}/${s.faint}/${s.dash}/${s.points}`).join('|');
    const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
    if (this.plot && key === this.key) this.plot.setData(data);
    else this.rebuild(data, series, key);
    this.showLatest(this.plot!);
  }

  /** Not hovering: the legend shows the latest values, so the numbers are there without a mouse. */
  private showLatest(u: uPlot): void {
    if (u.cursor.idx === null || u.cursor.idx === undefined) u.setLegend({ idx: this.lastIdx ?? undefined });
  }

  /** Theme changed: colours are baked into the canvas, so draw again. */
  retheme(): void {
    if (this.last)
      this.rebuild(
        [this.last.x, ...this.last.series.map((s) => s.values)] as uPlot.AlignedData,
        this.last.series,
        this.key,
      );
  }

  private axis(
    t: ChartTheme,
    label: string | undefined,
    fmt?: (v: number) => string,
    size?: number,
    steps = false,
  ): uPlot.Axis {
    // uPlot copies option keys even when undefined (`size: undefined` left the x axis no room, so no
    // tick labels): only set what is given.
    const a: uPlot.Axis = {
      stroke: t.muted,
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1 },
      font: t.font,
      labelFont: t.font,
    };
    if (size !== undefined) a.size = size;
    if (label !== undefined) a.label = label;
    if (steps) a.incrs = STEP_INCRS;
    // Small charts of a narrow range (evaluation loss 0.71-0.73) otherwise get a single y tick.
    else a.space = 22;
    if (fmt) a.values = (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v)));
    return a;
  }

  private rebuild(data: uPlot.AlignedData, series: LineSeries[], key: string): void {
    this.plot?.destroy();
    this.legendBox.replaceChildren();
    this.key = key;
    const t: ChartTheme = readTheme(this.box);
    this.theme = t;
    const fmtY = this.opts.formatY;
    const strokes = series.map((s, i) => (s.faint ? t.faintSeries : t.series)[(s.color ?? i) % t.series.length]);
    // What was drawn on what, for checks of contrast in a real theme (the e2e suite reads these).
    this.box.dataset.colors = JSON.stringify(strokes);
    this.box.dataset.markerColors = JSON.stringify(Object.values(t.marker));
    this.box.dataset.background = t.background;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: this.opts.height ?? 180,
        scales: {
          x: { time: false, range: (_u, min, max) => this.frame.xRange ?? [min, max] },
          y: this.opts.yLog ? { distr: 3 } : { range: (_u, min, max) => this.yr ?? [min, max] },
        },
        axes: [
          this.axis(
            t,
            this.opts.xLabel,
            this.opts.xLabel === 'step' ? stepTick : undefined,
            undefined,
            this.opts.xLabel === 'step',
          ),
          this.axis(t, this.opts.yLabel, fmtY, 70),
        ],
        legend: { show: true, live: true, mount: (_u, el) => this.legendBox.append(el) },
        cursor: { drag: { x: true, y: false } },
        hooks: { draw: [(u) => this.drawMarkers(u)], setCursor: [(u) => this.showLatest(u)] },
        series: [
          { label: this.opts.xLabel, value: (_u, v) => (v === null ? '–' : String(Math.round(v))) },
          ...series.map((s, i): uPlot.Series => {
            return {
              label: s.label,
              stroke: strokes[i],
              width: s.width ?? (s.faint ? 1 : 2),
              dash: s.dash ? [6, 4] : undefined,
              spanGaps: true,
              // A lone value draws no line: show it as a dot (e.g. the first step logged after a resume).
              points: {
                show: s.points
                  ? true
                  : (u, si) =>
                      Array.from(u.data[si] as ArrayLike<number | null>).filter((v) => v !== null && v !== undefined)
                        .length === 1,
                size: 6,
              },
              value: (_u, v) => (v === null ? '–' : fmtY ? fmtY(v) : String(v)),
            };
          }),
        ],
      },
      data,
      this.box,
    );
    // The plot goes between the header and the placeholder/footer.
    this.box.insertBefore(this.plot.root, this.placeholder);
  }

  /** Vertical marker lines over the plot; labelled ones stacked in rows so no two labels overlap. */
  private drawMarkers(u: uPlot): void {
    const markers = this.frame.markers ?? [];
    const t = this.theme;
    if (!markers.length || !t) return;
    const ctx = u.ctx;
    const px = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    const colour = (k: MarkerKind) => t.marker[k];
    ctx.save();
    ctx.font = `${Math.round(11 * px)}px ${t.font.split(' ').slice(1).join(' ') || 'sans-serif'}`;
    ctx.textBaseline = 'top';
    const shown = markers
      .map((m) => ({ m, x: u.valToPos(m.step, 'x', true) }))
      .filter(({ x }) => x >= left - 1 && x <= left + width + 1);
    const labelled = shown.filter(({ m }) => m.label);
    const rows = labelRows(labelled.map(({ m, x }) => ({ x, width: ctx.measureText(m.label!).width + 6 * px })));
    for (const { m, x } of shown) {
      ctx.strokeStyle = colour(m.kind);
      ctx.lineWidth = (m.kind === 'eval' ? 1 : 1.5) * px;
      ctx.setLineDash(m.kind === 'eval' ? [2 * px, 3 * px] : m.kind === 'resume' ? [5 * px, 3 * px] : []);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, top);
      ctx.lineTo(Math.round(x) + 0.5, top + height);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    labelled.forEach(({ m, x }, i) => {
      const w = ctx.measureText(m.label!).width;
      const lx = Math.min(Math.max(x - w / 2, left + 2 * px), left + width - w - 2 * px);
      const ly = top + 2 * px + rows[i] * 14 * px;
      // An outline in the background colour keeps the label legible over a line without hiding it.
      ctx.strokeStyle = t.background;
      ctx.lineWidth = 3 * px;
      ctx.lineJoin = 'round';
      ctx.strokeText(m.label!, lx, ly);
      ctx.fillStyle = colour(m.kind);
      ctx.fillText(m.label!, lx, ly);
    });
    ctx.restore();
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
    this.box.remove();
  }
}
