import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportableFiles, looksLikeModelFolder } from '../../../src/extension/commands/exportFiles';

test('an export keeps the model, config and tokenizer, and drops what only resuming needs', () => {
  const ckpt = ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'optimizer.safetensors', 'scheduler.json', 'rng_state.json', 'trainer_state.json', 'bertnb_state.json', 'training_args.json', '.lock', 'model.safetensors.tmp'];
  assert.deepEqual(exportableFiles(ckpt), ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']);
  assert.equal(looksLikeModelFolder(ckpt), true);
  assert.equal(looksLikeModelFolder(['config.json', 'vocab.txt']), false);
});
