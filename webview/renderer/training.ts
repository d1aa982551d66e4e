// The live training view: progress, speed and ETA above the charts (trainingCharts.ts). Built once per
// output element; every later payload for the same element only updates text and calls setData, so
// several updates a second stay cheap.
import { el, clear } from '../panelkit/dom';
import { TrainingCharts } from './trainingCharts';
import { RunActionsBar, type PostRunAction } from './runActions';
import { formatDuration, formatNumber } from '../shared/format';
import type { TrainingOutput } from '../../src/protocol/notebook-outputs';

export class TrainingView {
  readonly root: HTMLElement;
  private readonly header = el('h4', {});
  private readonly stats = el('div', { class: 'stats' });
  private readonly bar = el('div', {});
  private readonly message = el('div', { class: 'message' });
  private readonly controls = el('div', { class: 'controls' });
  private readonly slider: HTMLInputElement;
  private readonly stop: HTMLButtonElement;
  private readonly charts: TrainingCharts;
  private readonly actions: RunActionsBar | undefined;
  private last: TrainingOutput | undefined;
  /** The point counts this view has drawn, in order: the live updates it received (the e2e suite reads them). */
  private readonly drawn: number[] = [];

  /** `onAction` is undefined where outputs cannot post to the host: then no run actions are shown. */
  constructor(onStop: (() => void) | undefined, onAction?: PostRunAction) {
    const charts = el('div', { class: 'chart-area' });
    this.charts = new TrainingCharts(charts);
    this.slider = el('input', {
      type: 'range',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: this.charts.smoothing,
      'aria-label': 'loss smoothing',
    }) as HTMLInputElement;
    const sliderValue = el('span', { class: 'muted' }, String(this.charts.smoothing));
    this.slider.addEventListener('input', () => {
      this.charts.smoothing = Number(this.slider.value);
      sliderValue.textContent = this.slider.value;
      if (this.last) this.charts.update(this.last);
    });
    this.stop = el(
      'button',
      { title: 'Stop training after this step and save a checkpoint' },
      'Stop',
    ) as HTMLButtonElement;
    this.stop.addEventListener('click', () => {
      this.stop.disabled = true;
      this.stop.textContent = 'Stopping…';
      onStop?.();
    });
    this.controls.append(el('label', { class: 'muted' }, 'smoothing '), this.slider, sliderValue);
    if (onStop) this.controls.append(this.stop);
    this.actions = onAction && new RunActionsBar(onAction);
    this.root = el(
      'div',
      { class: 'bn training' },
      this.header,
      this.stats,
      el('div', { class: 'progress-wrap' }, this.bar),
      this.controls,
      this.actions?.root,
      charts,
      this.message,
    );
  }

  update(t: TrainingOutput): void {
    this.last = t;
    clear(this.header);
    this.header.append(
      `${t.task === 'pretraining' ? 'Pretraining' : 'Fine-tuning'}`,
      el('span', { class: `badge status-${t.status}` }, t.status),
    );
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
    if (this.drawn.at(-1) !== t.pointsReceived) this.drawn.push(t.pointsReceived);
    this.root.dataset.drawnPoints = this.drawn.slice(-50).join(' ');
    this.root.dataset.firstStep = String(t.series.step[0] ?? '');
    this.root.dataset.resumedFrom = String(t.resumedFromStep ?? '');
    this.stop.hidden = !(t.status === 'running' || t.status === 'starting');
    const checkpoint = t.checkpoint && !t.message?.includes(t.checkpoint) ? `checkpoint: ${t.checkpoint}` : '';
    this.message.textContent = [t.message, checkpoint].filter(Boolean).join(' — ');
    this.actions?.update(t);

    this.charts.update(t);
  }

  retheme(): void {
    this.charts.retheme();
  }

  dispose(): void {
    this.charts.dispose();
  }
}
