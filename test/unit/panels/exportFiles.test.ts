import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultExportFolder,
  exportableFiles,
  exportDestProblem,
  looksLikeModelFolder,
} from '../../../src/extension/commands/exportFiles';

test('an export keeps the model, config and tokenizer, and drops what only resuming needs', () => {
  const ckpt = [
    'config.json',
    'model.safetensors',
    'vocab.txt',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'optimizer.safetensors',
    'scheduler.json',
    'rng_state.json',
    'trainer_state.json',
    'bertnb_state.json',
    'training_args.json',
    '.lock',
    'model.safetensors.tmp',
  ];
  assert.deepEqual(exportableFiles(ckpt), [
    'config.json',
    'model.safetensors',
    'vocab.txt',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
  ]);
  assert.equal(looksLikeModelFolder(ckpt), true);
  assert.equal(looksLikeModelFolder(['config.json', 'vocab.txt']), false);
});

test('Export Model suggests a new folder next to the run, never inside it or a checkpoint', () => {
  const taken = new Set(['/w/results/demo-model']);
  const free = (dir: string, base: string) => {
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base}-${i}`;
      if (!taken.has(`${dir}/${name}`)) return name;
    }
  };
  assert.equal(defaultExportFolder('/w/results/demo/checkpoint-100', free), '/w/results/demo-checkpoint-100-model');
  assert.equal(defaultExportFolder('/w/results/demo', free), '/w/results/demo-model-2', 'a taken name gets a suffix');
  assert.equal(exportDestProblem('/w/results/demo/checkpoint-100', '/w/results/demo-checkpoint-100-model'), undefined);
  assert.match(
    exportDestProblem('/w/results/demo/checkpoint-100', '/w/results/demo/checkpoint-100') ?? '',
    /overwrite the model it copies/,
  );
  assert.match(exportDestProblem('/w/results/demo', '/w/results/demo/export') ?? '', /inside the model folder/);
  assert.match(
    exportDestProblem('/w/results/demo/checkpoint-100', '/w/results/demo/checkpoint-50/export') ?? '',
    /inside a checkpoint folder/,
  );
  assert.equal(
    exportDestProblem('/w/results/demo/checkpoint-100', '/w/exports/checkpoint-100-copy'),
    undefined,
    'a name that merely starts like a checkpoint is fine',
  );
});
