// The exported compute_metrics (numpy) returns what bertnb's metrics return, on the same predictions.
// Needs numpy in python3 (not in Debian's base python3): skipped with a reason when it is missing.
// torch, datasets and transformers are stubbed: only the metric functions of train.py run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { classificationMetrics, multiLabelMetrics, regressionMetrics } from '../../../src/engine/train/metrics';
import { Rng } from '../../../src/engine/train/rng';
import { validateRunConfig } from '../../../src/schema';
import { exportTrainer } from '../../../src/engine/export';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

test(
  'compute_metrics of train.py equals bertnb metrics',
  { skip: hasNumpy ? false : 'python3 has no numpy' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bertnb-metrics-'));
    writeFileSync(join(dir, 'train.csv'), 'text,label\na,x\nb,y\n');
    await exportTrainer(validateRunConfig({ data: { train: 'train.csv' } }).config!, join(dir, 'out'), {
      baseDir: dir,
    });
    const stubs = join(dir, 'stubs');
    execFileSync('mkdir', ['-p', stubs]);
    writeFileSync(join(stubs, 'torch.py'), '');
    writeFileSync(join(stubs, 'datasets.py'), 'Dataset = Sequence = Value = object\n');
    writeFileSync(
      join(stubs, 'transformers.py'),
      'class _C:\n    pass\nAutoTokenizer = BertConfig = BertForMaskedLM = BertForPreTraining = BertForSequenceClassification = _C\n' +
        'DataCollatorForLanguageModeling = DataCollatorForWholeWordMask = DataCollatorWithPadding = EarlyStoppingCallback = Trainer = TrainingArguments = _C\n' +
        'def set_seed(s):\n    pass\n',
    );
    const r = new Rng(3);
    const n = 57,
      k = 4;
    const labels = Array.from({ length: n }, () => r.int(k));
    const preds = Array.from({ length: n }, () => r.int(k - 1)); // one class never predicted
    const ml = Array.from({ length: n }, () => Array.from({ length: 3 }, () => r.int(2)));
    const mp = Array.from({ length: n }, () => Array.from({ length: 3 }, () => r.int(2)));
    const t = Array.from({ length: n }, () => r.next() * 3);
    const p = t.map((x) => x + r.next() - 0.5);
    const out = execFileSync(
      'python3',
      [
        '-c',
        `
import sys, json
sys.path.insert(0, ${JSON.stringify(stubs)}); sys.path.insert(0, ${JSON.stringify(join(dir, 'out'))})
import numpy as np, train as T
d = json.loads(sys.argv[1])
print(json.dumps([T.classification_metrics(np.array(d['labels']), np.array(d['preds']), ${k}),
                  T.multi_label_metrics(np.array(d['ml']), np.array(d['mp'])),
                  T.regression_metrics(np.array(d['t']), np.array(d['p']))]))
`,
        JSON.stringify({ labels, preds, ml, mp, t, p }),
      ],
      { encoding: 'utf8' },
    );
    const [cls, multi, reg] = JSON.parse(out) as Record<string, number>[];
    const { confusion_matrix: _cm, ...ours } = classificationMetrics(labels, preds, k);
    const close = (a: Record<string, number>, b: Record<string, number>) => {
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
      for (const key of Object.keys(b)) assert.ok(Math.abs(a[key] - b[key]) < 1e-12, `${key}: ${a[key]} vs ${b[key]}`);
    };
    close(cls, ours as unknown as Record<string, number>);
    close(multi, multiLabelMetrics(ml, mp));
    close(reg, regressionMetrics(t, p));
  },
);
