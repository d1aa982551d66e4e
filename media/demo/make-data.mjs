// Generates the demo dataset (synthetic product reviews, label = sentiment) deterministically:
//   node media/demo/make-data.mjs   → media/demo/{train,validation,test}.csv
// The label is learnable from the words (praise vs complaint phrases, some negations), with neutral
// filler sentences, light typos and 3% flipped labels as noise.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let s = 20240611;
const rand = () => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];

const products = ['phone', 'laptop', 'pair of headphones', 'blender', 'backpack', 'coffee maker', 'vacuum cleaner', 'smart watch', 'camera', 'keyboard',
  'desk lamp', 'office chair', 'tent', 'kettle', 'bluetooth speaker', 'monitor', 'mouse', 'charger', 'rain jacket', 'pair of running shoes', 'toaster',
  'air fryer', 'water bottle', 'e-reader', 'tablet', 'router', 'hair dryer', 'electric toothbrush', 'yoga mat', 'suitcase'];
const aspects = ['battery', 'screen', 'sound', 'build quality', 'price', 'design', 'setup', 'customer service', 'packaging', 'delivery', 'fit', 'motor', 'material', 'app'];
const pos = [
  'works great', 'exceeded my expectations', 'is excellent', 'is absolutely fantastic', 'is worth every penny', 'is sturdy and well made', 'is a joy to use',
  'performs perfectly', 'is the best I have owned', 'feels premium', 'is super comfortable', 'was easy to set up', 'keeps impressing me', 'is reliable',
];
const neg = [
  'stopped working after a week', 'feels cheap and flimsy', 'was a waste of money', 'is terrible', 'broke on the second day', 'is really disappointing',
  'keeps crashing', 'arrived damaged', 'is uncomfortable', 'was a nightmare to set up', 'overheats constantly', 'is the worst purchase I made', 'died quickly',
];
const posAspect = ['The {a} is amazing.', 'I love the {a}.', 'Great {a}, no complaints.', 'The {a} is better than expected.', 'Really impressed by the {a}.', 'The {a} is not bad at all.'];
const negAspect = ['The {a} is awful.', 'I hate the {a}.', 'Poor {a}, lots of problems.', 'The {a} is worse than expected.', 'Really annoyed by the {a}.', 'The {a} is not good at all.'];
const posEnd = ['Highly recommend!', 'Five stars.', 'Would buy again.', 'Love it.', 'Very happy with it.', 'My family loves it too.', 'Great value.'];
const negEnd = ['Would not recommend.', 'One star.', 'Returning it.', 'Avoid this one.', 'Very unhappy.', 'Save your money.', 'Never again.'];
const filler = ['I bought this for my sister.', 'It arrived on a Tuesday.', 'I have used it for two months.', 'The color is dark blue.', 'I use it every morning.',
  'This was a birthday gift.', 'I ordered it online.', 'It came in a brown box.', 'My old one was from another brand.', 'I mostly use it at work.'];
const contrastPos = ['I was skeptical at first, but it {p}.', 'The box was a bit dented, but the {x} {p}.'];
const contrastNeg = ['It looked nice in the photos, but it {n}.', 'The first day was fine, but the {x} {n}.'];

function typo(w) {
  if (w.length < 5 || rand() > 0.03) return w;
  const i = 1 + Math.floor(rand() * (w.length - 2));
  return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
}

function review(label) {
  const x = pick(products);
  const good = label === 'positive';
  const parts = [];
  if (rand() < 0.4) parts.push(pick(filler));
  const r = rand();
  if (r < 0.2) parts.push(pick(good ? contrastPos : contrastNeg).replace('{x}', x).replace('{p}', pick(pos)).replace('{n}', pick(neg)));
  else parts.push(`This ${x} ${pick(good ? pos : neg)}.`);
  if (rand() < 0.6) parts.push(pick(good ? posAspect : negAspect).replace('{a}', pick(aspects)));
  if (rand() < 0.3) parts.push(pick(filler));
  if (rand() < 0.5) parts.push(pick(good ? posEnd : negEnd));
  return parts.join(' ').split(' ').map(typo).join(' ');
}

const csvCell = (t) => (/[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
function write(name, n) {
  const rows = ['text,label'];
  for (let i = 0; i < n; i++) {
    const label = rand() < 0.5 ? 'positive' : 'negative';
    const text = review(label);
    const noisy = rand() < 0.03 ? (label === 'positive' ? 'negative' : 'positive') : label;
    rows.push(`${csvCell(text)},${noisy}`);
  }
  writeFileSync(join(here, name), rows.join('\n') + '\n');
}
write('train.csv', 1600);
write('validation.csv', 200);
write('test.csv', 200);

// A small WordPiece vocabulary for the demo's domain (whole words of the templates, plus single
// characters and ## continuations so typos still tokenize): a 30k-row embedding table would be most
// of bert-mini's weights and most of each optimizer step for 1,600 short reviews.
const words = new Set();
for (const list of [products, aspects, pos, neg, posAspect, negAspect, posEnd, negEnd, filler, contrastPos, contrastNeg])
  for (const t of list) for (const w of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) words.add(w);
const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const punct = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...punct, ...chars, ...chars.map((c) => `##${c}`), ...[...words].filter((w) => w.length > 1).sort()];
writeFileSync(join(here, 'vocab.txt'), vocab.join('\n') + '\n');
console.log(`wrote media/demo/{train,validation,test}.csv and vocab.txt (${vocab.length} tokens)`);
