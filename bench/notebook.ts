// Notebook live chart: what the kernel sends the editor while a long training runs. The payload of
// the run store's record (recent points exact, older ones thinned keeping extremes) beside the naive one that sends every
// logged point, after 100k logged steps; and the host-side cost per live update beside the update
// interval it must fit in (250 ms at 4 updates/s).
import type { BenchRow } from './types';
import { trainingOutputOf } from '../src/engine/notebook/series';
import { outputItems } from '../src/engine/notebook/execute';
import { RunStore } from '../src/engine/runs/store';

export async function bench(): Promise<BenchRow[]> {
  const steps = 100_000;
  const store = new RunStore({ maxPoints: 400 });
  const id = store.begin({ label: 'bench', source: 'notebook', task: 'sequence-classification' }).id;
  const naive: Array<{ step: number; loss: number; learningRate: number; samplesPerSec: number }> = [];
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    const loss = 2 / Math.sqrt(i) + 0.01 * Math.sin(i),
      lr = 5e-5 * (1 - i / steps),
      sps = 120 + (i % 7);
    store.apply(id, {
      kind: 'progress',
      step: i,
      max_steps: steps,
      epoch: i / 1000,
      loss,
      learning_rate: lr,
      grad_norm: 1,
      samples_per_second: sps,
      steps_per_second: 1,
      eta_seconds: steps - i,
      elapsed_seconds: i,
    });
    naive.push({ step: i, loss, learningRate: lr, samplesPerSec: sps });
  }
  const addUs = ((performance.now() - t0) * 1000) / steps;
  const payload = () => trainingOutputOf(store.get(id)!, 400);
  const boundedBytes = JSON.stringify(outputItems('training', payload())).length;
  const naiveBytes = JSON.stringify({ ...payload(), series: naive }).length;
  const reps = 200;
  const t1 = performance.now();
  for (let i = 0; i < reps; i++) JSON.stringify(outputItems('training', payload()));
  store.dispose();
  const updateMs = (performance.now() - t1) / reps;
  return [
    {
      area: 'notebook',
      figure: 'live chart payload after 100k steps',
      value: boundedBytes,
      unit: 'B',
      peer: 'every point sent',
      peerValue: naiveBytes,
      ratio: naiveBytes / boundedBytes,
      target: '>= 20',
    },
    {
      area: 'notebook',
      figure: 'host cost of one live update (payload + JSON)',
      value: updateMs,
      unit: 'ms',
      peer: 'update interval at 4/s',
      peerValue: 250,
      ratio: 250 / updateMs,
      target: '>= 50',
    },
    {
      area: 'notebook',
      figure: 'host cost per progress event',
      value: addUs,
      unit: 'µs',
      peer: '1 ms (1000 steps/s)',
      peerValue: 1000,
      ratio: 1000 / addUs,
      target: '>= 10',
    },
  ];
}
