// Hugging Face folders: save → load gives identical logits; what we write has HF names, PyTorch
// layouts and valid safetensors; loading reports missing/unexpected weights as HF does; bad folders
// fail with clear errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, writeFileSync, cpSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/engine/backend';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { createModel, parseBertConfig, type BertConfig } from '../../../src/engine/model';
import { loadPretrained, savePretrained, exportTensors } from '../../../src/engine/checkpoint/pretrained';
import { SafetensorsFile, writeSafetensors } from '../../../src/engine/checkpoint/safetensors';

const root = mkdtempSync(join(tmpdir(), 'bertnb-hf-'));
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  ...'abcdefghijklmnopqrstuvwxyz'.split(''),
  'the',
  'cat',
  'sat',
  'on',
  'mat',
  '##s',
  '##ed',
  '.',
  ',',
  '!',
];
const tokenizer = BertTokenizer.fromVocab(VOCAB, { doLowerCase: true });
const config: BertConfig = parseBertConfig(
  {
    vocab_size: VOCAB.length,
    hidden_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    intermediate_size: 48,
    max_position_embeddings: 32,
    num_labels: 3,
  },
  'test',
);

function logitsOf(model: ReturnType<typeof createModel>, texts: string[]): number[] {
  const enc = tokenizer.encodeBatch(texts, { padding: 'longest', maxLength: 16, truncation: 'longest_first' });
  return tf.tidy(() => {
    const out = model.forward(
      {
        input_ids: tf.tensor2d(
          enc.map((e) => e.input_ids),
          undefined,
          'int32',
        ),
        attention_mask: tf.tensor2d(
          enc.map((e) => e.attention_mask),
          undefined,
          'int32',
        ),
        token_type_ids: tf.tensor2d(
          enc.map((e) => e.token_type_ids),
          undefined,
          'int32',
        ),
      },
      { training: false },
    ) as { logits: tf.Tensor };
    return Array.from(out.logits.dataSync());
  });
}

before(async () => {
  await initBackend('wasm');
});

test('save → load gives identical logits, and the folder is a valid Hugging Face folder', async () => {
  const dir = join(root, 'cls');
  const model = createModel('sequence-classification', config, { seed: 5 });
  await savePretrained(model, tokenizer, dir);
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'])
    assert.ok(existsSync(join(dir, f)), f);

  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.deepEqual(cfg.architectures, ['BertForSequenceClassification']);
  assert.equal(cfg.model_type, 'bert');
  assert.equal(cfg.layer_norm_eps, 1e-12);
  assert.deepEqual(cfg.id2label, { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });

  const st = await SafetensorsFile.open(join(dir, 'model.safetensors'));
  const H = 32,
    I = 48;
  const expected: Record<string, number[]> = {
    'bert.embeddings.word_embeddings.weight': [VOCAB.length, H],
    'bert.embeddings.position_embeddings.weight': [32, H],
    'bert.embeddings.token_type_embeddings.weight': [2, H],
    'bert.embeddings.LayerNorm.weight': [H],
    'bert.encoder.layer.1.attention.self.query.weight': [H, H],
    'bert.encoder.layer.1.attention.output.LayerNorm.bias': [H],
    'bert.encoder.layer.0.intermediate.dense.weight': [I, H],
    'bert.encoder.layer.0.output.dense.weight': [H, I],
    'bert.pooler.dense.weight': [H, H],
    'classifier.weight': [3, H],
    'classifier.bias': [3],
  };
  for (const [name, shape] of Object.entries(expected)) assert.deepEqual(st.entry(name)?.shape, shape, name);
  assert.equal(st.names().length, 5 + 16 * 2 + 2 + 2);
  assert.deepEqual(st.header.metadata, { format: 'pt' });
  // PyTorch layout: the stored intermediate weight is the transpose of our [in, out] kernel.
  const stored = await st.readFloat32('bert.encoder.layer.0.intermediate.dense.weight');
  const kernel = model.variables
    .find((v) => v.name === 'bert.encoder.layer.0.intermediate.dense.weight')!
    .variable.dataSync();
  assert.equal(stored[1 * H + 0], kernel[0 * I + 1]);
  await st.close();

  const texts = ['the cat sat on the mat.', 'cats!'];
  const want = logitsOf(model, texts);
  const loaded = await loadPretrained(dir, { task: 'sequence-classification' });
  assert.deepEqual(loaded.report.missing, []);
  assert.deepEqual(loaded.report.unexpected, []);
  assert.deepEqual(logitsOf(loaded.model, texts), want, 'identical logits after the round trip');
  model.dispose();
  loaded.model.dispose();
});

test('a new head is newly initialised and reported as HF does; unused tensors are unexpected', async () => {
  const dir = join(root, 'cls');
  const { model, report } = await loadPretrained(dir, { task: 'masked-lm' });
  assert.deepEqual(report.newlyInitialized.sort(), [
    'cls.predictions.bias',
    'cls.predictions.transform.LayerNorm.bias',
    'cls.predictions.transform.LayerNorm.weight',
    'cls.predictions.transform.dense.bias',
    'cls.predictions.transform.dense.weight',
  ]);
  assert.deepEqual(report.unexpected.sort(), ['classifier.bias', 'classifier.weight']);
  assert.ok(
    report.messages.some((m) =>
      m.startsWith(
        `Some weights of BertForMaskedLM were not initialized from the model checkpoint at ${dir} and are newly initialized: [`,
      ),
    ),
  );
  assert.ok(
    report.messages.some((m) =>
      m.startsWith(`Some weights of the model checkpoint at ${dir} were not used when initializing BertForMaskedLM: [`),
    ),
  );
  model.dispose();

  const resized = await loadPretrained(dir, { task: 'sequence-classification', numLabels: 5 });
  assert.equal(resized.config.num_labels, 5);
  assert.equal(resized.report.mismatched.length, 2);
  assert.deepEqual(resized.report.newlyInitialized.sort(), ['classifier.bias', 'classifier.weight']);
  resized.model.dispose();
});

test('old checkpoints: gamma/beta names, no bert. prefix, position_ids buffer, tied decoder', async () => {
  const dir = join(root, 'old');
  const src = createModel('pretraining', config, { seed: 9 });
  const tensors = (await exportTensors(src)).map((t) => ({
    ...t,
    name: t.name
      .replace(/^bert\./, '')
      .replace(/LayerNorm\.weight$/, 'LayerNorm.gamma')
      .replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
  }));
  tensors.push({ name: 'embeddings.position_ids', shape: [1, 32], data: new Float32Array(32) });
  const we = tensors.find((t) => t.name === 'embeddings.word_embeddings.weight')!;
  tensors.push({ name: 'cls.predictions.decoder.weight', shape: we.shape, data: we.data });
  await writeSafetensors(join(dir + '-w.safetensors'), tensors);
  cpSync(join(root, 'cls'), dir, { recursive: true });
  cpSync(join(dir + '-w.safetensors'), join(dir, 'model.safetensors'));
  const { model, report } = await loadPretrained(dir, { task: 'pretraining' });
  assert.deepEqual(report.missing, []);
  assert.deepEqual(report.unexpected, []);
  for (const v of model.variables) {
    const a = v.variable.dataSync();
    const b = src.variables.find((s) => s.name === v.name)!.variable.dataSync();
    assert.deepEqual(Array.from(a), Array.from(b), v.name);
  }
  model.dispose();
  src.dispose();
});

test('bad folders fail with clear errors', async () => {
  const base = join(root, 'cls');
  const variant = (name: string, edit: (dir: string) => void) => {
    const d = join(root, name);
    rmSync(d, { recursive: true, force: true });
    cpSync(base, d, { recursive: true });
    edit(d);
    return d;
  };
  const pt = variant('pickle', (d) => {
    rmSync(join(d, 'model.safetensors'));
    writeFileSync(join(d, 'pytorch_model.bin'), 'not really a pickle');
  });
  await assert.rejects(
    loadPretrained(pt, { task: 'sequence-classification' }),
    /only pytorch_model\.bin.*save_pretrained\(dir, safe_serialization=True\)/,
  );

  const cfgPath = (d: string) => join(d, 'config.json');
  const patch = (d: string, f: (c: Record<string, unknown>) => void) => {
    const c = JSON.parse(readFileSync(cfgPath(d), 'utf8'));
    f(c);
    writeFileSync(cfgPath(d), JSON.stringify(c));
  };
  const missing = variant('nohidden', (d) => patch(d, (c) => delete c.hidden_size));
  await assert.rejects(
    loadPretrained(missing, { task: 'sequence-classification' }),
    /config\.json: missing required field 'hidden_size'/,
  );
  const absurd = variant('absurd', (d) => patch(d, (c) => (c.num_attention_heads = 5)));
  await assert.rejects(
    loadPretrained(absurd, { task: 'sequence-classification' }),
    /hidden_size \(32\) must be a multiple of num_attention_heads \(5\)/,
  );
  const negative = variant('negative', (d) => patch(d, (c) => (c.num_hidden_layers = -1)));
  await assert.rejects(
    loadPretrained(negative, { task: 'sequence-classification' }),
    /num_hidden_layers must be an integer/,
  );
  const bigVocab = variant('bigvocab', (d) => patch(d, (c) => (c.vocab_size = 100)));
  await assert.rejects(
    loadPretrained(bigVocab, { task: 'sequence-classification' }),
    /has 41 tokens but config\.json says vocab_size 100/,
  );
  const wrongShape = variant('wrongshape', (d) => patch(d, (c) => (c.intermediate_size = 64)));
  await assert.rejects(
    loadPretrained(wrongShape, { task: 'sequence-classification' }),
    /intermediate\.dense\.(weight|bias)' has shape .* but BertForSequenceClassification expects/,
  );
  await assert.rejects(
    loadPretrained(join(root, 'nope'), { task: 'sequence-classification' }),
    /neither a folder nor a Hugging Face hub id|cannot/,
  );
});

test('a shard index may not name a file outside the folder, not even a sibling whose name starts with the folder name', async () => {
  const d = join(root, 'sharded');
  const evil = join(root, 'sharded-evil');
  for (const x of [d, evil]) rmSync(x, { recursive: true, force: true });
  cpSync(join(root, 'cls'), d, { recursive: true });
  cpSync(join(root, 'cls'), evil, { recursive: true });
  const st = await SafetensorsFile.open(join(d, 'model.safetensors'));
  const names = st.names();
  await st.close();
  rmSync(join(d, 'model.safetensors'));
  const index = (shard: string) =>
    writeFileSync(
      join(d, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: Object.fromEntries(names.map((n) => [n, shard])) }),
    );
  index('../sharded-evil/model.safetensors');
  await assert.rejects(
    loadPretrained(d, { task: 'sequence-classification' }),
    /shard '\.\.\/sharded-evil\/model\.safetensors' is outside the folder/,
  );
  index('../sharded/../sharded-evil/model.safetensors');
  await assert.rejects(loadPretrained(d, { task: 'sequence-classification' }), /is outside the folder/);
  // The same file inside the folder loads.
  cpSync(join(evil, 'model.safetensors'), join(d, 'shard-1.safetensors'));
  index('shard-1.safetensors');
  await loadPretrained(d, { task: 'sequence-classification' });
});
