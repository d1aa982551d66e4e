// The live training view: progress, speed and ETA above four charts (loss with smoothing, learning
// rate, eval metrics per epoch, throughput). Built once per output element; every later payload for
// the same element only updates text and calls setData, so several updates a second stay cheap.
import { el, clear } from '../panelkit/dom';
import { LineChart } from '../shared/lineChart';
import { smooth } from '../shared/smoothing';
import { formatDuration, formatNumber } from '../shared/format';
import type { TrainingOutput } from '../../src/protocol/notebook-outputs';

/** Chart height in px, axes included (the x axis and its label take ~50 of it). */
const CHART_HEIGHT = 220;

export class TrainingView {
  readonly root: HTMLElement;
  private readonly header = el('h4', {});
  private readonly stats = el('div', { class: 'stats' });
  private readonly bar = el('div', {});
  private readonly message = el('div', { class: 'message' });
  private readonly controls = el('div', { class: 'controls' });
  private readonly slider: HTMLInputElement;
  private readonly stop: HTMLButtonElement;
  private readonly loss: LineChart;
  private readonly lr: LineChart;
  private readonly evals: LineChart;
  private readonly speed: LineChart;
  private last: TrainingOutput | undefined;
  private smoothing = 0.6;

  constructor(onStop: (() => void) | undefined) {
    this.slider = el('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: this.smoothing, 'aria-label': 'loss smoothing' }) as HTMLInputElement;
    const sliderValue = el('span', { class: 'muted' }, String(this.smoothing));
    this.slider.addEventListener('input', () => {
      this.smoothing = Number(this.slider.value);
      sliderValue.textContent = this.slider.value;
      if (this.last) this.drawLoss(this.last);
    });
    this.stop = el('button', { title: 'Stop training after this step and save a checkpoint' }, 'Stop') as HTMLButtonElement;
    this.stop.addEventListener('click', () => {
      this.stop.disabled = true;
      this.stop.textContent = 'Stopping…';
      onStop?.();
    });
    this.controls.append(el('label', { class: 'muted' }, 'smoothing '), this.slider, sliderValue);
    if (onStop) this.controls.append(this.stop);
    const charts = el('div', { class: 'charts' });
    this.root = el('div', { class: 'bn training' }, this.header, this.stats, el('div', { class: 'progress-wrap' }, this.bar), this.controls, charts, this.message);
    const cell = () => {
      const c = el('div', {});
      charts.append(c);
      return c;
    };
    this.loss = new LineChart(cell(), { title: 'Loss', xLabel: 'step', height: CHART_HEIGHT, formatY: (v) => formatNumber(v, 3) });
    this.lr = new LineChart(cell(), { title: 'Learning rate', xLabel: 'step', height: CHART_HEIGHT, formatY: (v) => v.toExponential(1) });
    this.evals = new LineChart(cell(), { title: 'Evaluation', xLabel: 'epoch', height: CHART_HEIGHT, formatY: (v) => formatNumber(v, 3) });
    this.speed = new LineChart(cell(), { title: 'Throughput (samples/s)', xLabel: 'step', height: CHART_HEIGHT, formatY: (v) => formatNumber(v, 3) });
  }

  update(t: TrainingOutput): void {
    this.last = t;
    clear(this.header);
    this.header.append(`${t.task === 'pretraining' ? 'Pretraining' : 'Fine-tuning'}`, el('span', { class: `badge status-${t.status}` }, t.status));
    const pct = t.totalSteps > 0 ? Math.min(100, (100 * t.step) / t.totalSteps) : 0;
    this.bar.style.width = `${pct}%`;
    clear(this.stats);
    const stat = (label: string, value: string) => this.stats.append(el('span', {}, `${label} `, el('b', {}, value)));
    stat('step', `${t.step}/${t.totalSteps || '?'}`);
    stat('epoch', `${formatNumber(t.epoch, 3)}/${t.totalEpochs || '?'}`);
    const loss = t.series.loss.filter((v): v is number => v !== null);
    stat('loss', formatNumber(loss.at(-1), 4));
    stat('samples/s', formatNumber(t.samplesPerSec, 3));
    stat('elapsed', formatDuration(t.elapsedSec));
    if (t.status === 'running' || t.status === 'starting') stat('ETA', formatDuration(t.etaSec));
    this.root.dataset.status = t.status;
    this.root.dataset.points = String(t.pointsReceived);
    this.root.dataset.firstStep = String(t.series.step[0] ?? '');
    this.stop.hidden = !(t.status === 'running' || t.status === 'starting');
    const checkpoint = t.checkpoint && !t.message?.includes(t.checkpoint) ? `checkpoint: ${t.checkpoint}` : '';
    this.message.textContent = [t.message, checkpoint].filter(Boolean).join(' — ');

    this.drawLoss(t);
    this.lr.update(t.series.step, [{ label: 'learning rate', values: t.series.learningRate, color: 1 }]);
    this.speed.update(t.series.step, [{ label: 'samples/s', values: t.series.samplesPerSec, color: 2 }]);
    const names = [...new Set(t.evals.flatMap((e) => Object.keys(e.metrics)))].filter((k) => !/runtime|per_second|^epoch$|^step$/.test(k)).slice(0, 6);
    this.evals.update(
      t.evals.map((e) => e.epoch),
      names.map((n, i) => ({ label: n, values: t.evals.map((e) => e.metrics[n] ?? null), color: i, points: true })),
    );
  }

  private drawLoss(t: TrainingOutput): void {
    this.loss.update(t.series.step, [
      { label: 'loss', values: t.series.loss, color: 0, faint: true },
      { label: 'smoothed', values: smooth(t.series.loss, this.smoothing), color: 0 },
    ]);
  }

  retheme(): void {
    for (const c of [this.loss, this.lr, this.evals, this.speed]) c.retheme();
  }

  dispose(): void {
    for (const c of [this.loss, this.lr, this.evals, this.speed]) c.destroy();
  }
}
