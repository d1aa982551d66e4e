// Cost of checking messages at the boundaries, beside the cost that is paid anyway:
// - parseWorkerToHost on a progress message vs JSON.parse of the same message (what Node's IPC
//   does to every message before we see it): the check should be a small fraction of that.
// - validateRunConfig (defaults + friendly errors) vs the bare ajv validator it wraps.
import Ajv from 'ajv';
import { parseWorkerToHost, toHost } from '../src/protocol';
import { runConfigJsonSchema, validateRunConfig } from '../src/schema';
import type { BenchRow } from './types';

function opsPerSecond(fn: () => void, minMs = 300): number {
  for (let i = 0; i < 1000; i++) fn(); // warm up the JIT
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    t = performance.now();
  }
  return (n / (t - t0)) * 1000;
}

export async function bench(): Promise<BenchRow[]> {
  const event = {
    kind: 'progress',
    step: 120,
    max_steps: 9000,
    epoch: 0.4,
    loss: 0.6931,
    learning_rate: 4.9e-5,
    grad_norm: 1.3,
    samples_per_second: 31.2,
    steps_per_second: 3.9,
    eta_seconds: 812,
    elapsed_seconds: 31,
  } as const;
  const msg = toHost('run', { event });
  const wire = JSON.stringify(msg);
  const parsed = JSON.parse(wire);
  let sink = 0;
  const check = opsPerSecond(() => {
    sink += parseWorkerToHost(parsed).ok ? 1 : 0;
  });
  const decode = opsPerSecond(() => {
    sink += JSON.parse(wire).event.step;
  });

  const config = {
    data: { train: 'train.csv', validation: 'dev.csv' },
    training: {
      learning_rate: 3e-5,
      num_train_epochs: 3,
      eval_strategy: 'epoch',
      save_strategy: 'epoch',
      load_best_model_at_end: true,
      early_stopping_patience: 2,
    },
  };
  const bare = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, useDefaults: true }).compile(
    runConfigJsonSchema(),
  );
  const ours = opsPerSecond(() => {
    sink += validateRunConfig(config).ok ? 1 : 0;
  });
  const ajvOnly = opsPerSecond(() => {
    sink += bare(structuredClone(config)) ? 1 : 0;
  });
  if (sink < 0) console.log(sink);
  return [
    {
      area: 'protocol',
      figure: 'parseWorkerToHost(progress)',
      value: check,
      unit: 'msg/s',
      peer: 'JSON.parse of the same message (IPC decode)',
      peerValue: decode,
      ratio: check / decode,
      target: '>= 1',
    },
    {
      area: 'schema',
      figure: 'validateRunConfig (defaults, rules)',
      value: ours,
      unit: 'configs/s',
      peer: 'bare ajv validate of the same schema',
      peerValue: ajvOnly,
      ratio: ours / ajvOnly,
      target: '>= 0.3',
    },
  ];
}
