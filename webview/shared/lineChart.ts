// A themed, resizable uPlot line chart that can be fed new data many times a second without being
// rebuilt (setData), and rebuilt only when its series change or the theme does.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css' with { type: 'text' };
import { readTheme, withAlpha, type ChartTheme } from './theme';

export { uplotCss };

export interface LineSeries {
  label: string;
  values: Array<number | null>;
  /** Index into the theme's series colours. */
  color?: number;
  width?: number;
  /** Drawn faintly (e.g. raw loss under its smoothed line). */
  faint?: boolean;
  points?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  height?: number;
  yLog?: boolean;
  formatY?: (v: number) => string;
}

export class LineChart {
  private plot: uPlot | undefined;
  private key = '';
  private readonly box: HTMLDivElement;
  private readonly resize: ResizeObserver;
  private last: { x: number[]; series: LineSeries[] } | undefined;

  constructor(
    parent: HTMLElement,
    private readonly opts: LineChartOptions,
  ) {
    this.box = document.createElement('div');
    this.box.className = 'chart';
    parent.append(this.box);
    this.resize = new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({ width: this.width(), height: this.opts.height ?? 180 });
    });
    this.resize.observe(parent);
  }

  private width(): number {
    return Math.max(200, Math.floor((this.box.parentElement?.clientWidth ?? 400) - 4));
  }

  /** Points currently drawn (x values), exposed for tests via data-points. */
  get points(): number {
    return this.last?.x.length ?? 0;
  }

  update(x: number[], series: LineSeries[]): void {
    this.last = { x, series };
    this.box.dataset.points = String(x.length);
    const key = series.map((s) => `${s.label}/${s.color}/${s.faint}`).join('|');
    const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
    if (this.plot && key === this.key) {
      this.plot.setData(data);
      return;
    }
    this.rebuild(data, series, key);
  }

  /** Theme changed: colours are baked into the canvas, so draw again. */
  retheme(): void {
    if (this.last) this.rebuild([this.last.x, ...this.last.series.map((s) => s.values)] as uPlot.AlignedData, this.last.series, this.key);
  }

  private rebuild(data: uPlot.AlignedData, series: LineSeries[], key: string): void {
    this.plot?.destroy();
    this.key = key;
    const t: ChartTheme = readTheme(this.box);
    // uPlot copies option keys even when undefined (`size: undefined` left the x axis no room, so no
    // tick labels): only set what is given.
    const axis = (label?: string, fmt?: (v: number) => string, size?: number): uPlot.Axis => {
      const a: uPlot.Axis = { stroke: t.muted, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 }, font: t.font, labelFont: t.font };
      if (size !== undefined) a.size = size;
      if (label !== undefined) a.label = label;
      if (fmt) a.values = (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v)));
      return a;
    };
    this.plot = new uPlot(
      {
        title: this.opts.title,
        width: this.width(),
        height: this.opts.height ?? 180,
        scales: { x: { time: false }, y: this.opts.yLog ? { distr: 3 } : {} },
        axes: [axis(this.opts.xLabel), axis(undefined, this.opts.formatY, 64)],
        legend: { show: series.length > 1 },
        cursor: { drag: { x: true, y: false } },
        series: [
          { label: this.opts.xLabel },
          ...series.map((s, i): uPlot.Series => {
            const color = t.series[(s.color ?? i) % t.series.length];
            return {
              label: s.label,
              stroke: s.faint ? withAlpha(color, 0.35) : color,
              width: s.width ?? (s.faint ? 1 : 2),
              spanGaps: true,
              // A lone value draws no line: show it as a dot (e.g. the first step logged after a resume).
              points: { show: s.points ? true : (u, si) => Array.from(u.data[si] as ArrayLike<number | null>).filter((v) => v !== null && v !== undefined).length === 1, size: 5 },
              value: (_u, v) => (v === null ? '–' : this.opts.formatY ? this.opts.formatY(v) : String(v)),
            };
          }),
        ],
      },
      data,
      this.box,
    );
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
    this.box.remove();
  }
}
