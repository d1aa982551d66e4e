// The evaluation charts of the monitor and of the notebook's training output: one chart a metric group
// (chartMath.groupMetrics), made anew only when the groups change.
import { formatNumber } from './format';
import { LineChart } from './lineChart';
import type { MetricGroup } from './chartMath';

/** The charts by group title, and the groups (titles and metrics) they were made for. */
export interface GroupCharts {
  key: string;
  charts: Map<string, LineChart>;
}

export const noGroupCharts = (): GroupCharts => ({ key: '', charts: new Map() });

/**
 * `made` when `groups` are the ones it was made for; else a chart a group (step on x, values to three
 * digits), each in the element `place` gives it in `box`, the old charts destroyed and `box` emptied.
 */
export function groupCharts(
  made: GroupCharts,
  groups: MetricGroup[],
  box: HTMLElement,
  height: number,
  place: (box: HTMLElement) => HTMLElement,
): GroupCharts {
  const key = groups.map((g) => `${g.title}:${g.metrics.join(',')}`).join('|');
  if (key === made.key) return made;
  for (const c of made.charts.values()) c.destroy();
  box.replaceChildren();
  const charts = new Map(
    groups.map((g) => [
      g.title,
      new LineChart(place(box), {
        title: g.title,
        xLabel: 'step',
        yLabel: g.yLabel,
        height,
        yUnit: g.unit,
        formatY: (v: number) => formatNumber(v, 3),
      }),
    ]),
  );
  return { key, charts };
}
