// Parity with Hugging Face's Rust tokenizers (the engine of BertTokenizerFast), built from the same
// vocab.txt, on a large seeded corpus: ids, type ids, masks, special-token masks and offsets must
// be identical, for single texts and pairs, lowercased and cased, with every truncation strategy
// at several lengths, and with padding. Offsets are also checked against the text itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOracle, loadOracleModule } from './oracle';
import { corpus, corpusSources, rng, type CorpusSources } from './corpus';
import {
  BertTokenizer,
  bundledVocabPath,
  TruncationError,
  type Encoding,
  type EncodeOptions,
} from '../../src/engine/tokenizer';

type OracleEncoding = Awaited<ReturnType<ReturnType<typeof buildOracle>['encode']>>;

const vocabPath = bundledVocabPath();
let sources: CorpusSources | undefined;
async function setup(lowercase: boolean) {
  const ours = await BertTokenizer.load(vocabPath, { doLowerCase: lowercase });
  sources ??= corpusSources(ours.tokens);
  return { ours, src: sources };
}

/** Oracle offsets count code points; ours count UTF-16 units (what JS slices with). */
function toUtf16(text: string, offsets: number[][]): [number, number][] {
  const at: number[] = [];
  let u = 0;
  for (const ch of text) {
    at.push(u);
    u += ch.length;
  }
  at.push(u);
  return offsets.map(([s, e]) => [at[s], at[e]]);
}

/** Pairs (and anything that may fail) one by one, many in flight: encodeBatch only takes single strings. */
async function encodeMany(
  oracle: ReturnType<typeof buildOracle>,
  inputs: Array<string | [string, string]>,
): Promise<Array<OracleEncoding | undefined>> {
  const out: Array<OracleEncoding | undefined> = [];
  for (let k = 0; k < inputs.length; k += 256) {
    const settled = await Promise.allSettled(
      inputs.slice(k, k + 256).map((i) => (typeof i === 'string' ? oracle.encode(i) : oracle.encode(i[0], i[1]))),
    );
    for (const r of settled) out.push(r.status === 'fulfilled' ? r.value : undefined);
  }
  return out;
}

function describe(input: string | [string, string]): string {
  return JSON.stringify(input).slice(0, 200);
}

function assertSame(ours: Encoding, theirs: OracleEncoding, input: string | [string, string], context: string) {
  const where = `${context}: ${describe(input)}`;
  assert.deepEqual(
    ours.input_ids,
    theirs.getIds(),
    `input_ids differ for ${where}\nours:   ${ours.tokens.join(' ')}\ntheirs: ${theirs.getTokens().join(' ')}`,
  );
  assert.deepEqual(ours.token_type_ids, theirs.getTypeIds(), `token_type_ids differ for ${where}`);
  assert.deepEqual(ours.attention_mask, theirs.getAttentionMask(), `attention_mask differ for ${where}`);
  assert.deepEqual(ours.special_tokens_mask, theirs.getSpecialTokensMask(), `special_tokens_mask differ for ${where}`);
  assert.deepEqual(ours.tokens, theirs.getTokens(), `tokens differ for ${where}`);
  // Offsets are relative to their own text; the oracle tells which sequence each token is from.
  const [a, b] = typeof input === 'string' ? [input, ''] : input;
  const seq = theirs.getSequenceIds();
  const raw = theirs.getOffsets();
  const aOff = toUtf16(a, raw);
  const bOff = toUtf16(b, raw);
  const expected = raw.map((_, i) => (seq[i] === 1 ? bOff[i] : aOff[i]));
  assert.deepEqual(ours.offsets, expected, `offsets differ for ${where}`);
}

/** Every content token's offsets slice the original text into something that normalizes to it. */
function assertOffsetsPointAtText(e: Encoding, text: string, normalize: (s: string) => string, context: string) {
  let i = 0;
  while (i < e.input_ids.length) {
    if (
      e.special_tokens_mask[i] === 1 ||
      e.tokens[i] === '[UNK]' ||
      /^\[(MASK|CLS|SEP|PAD|UNK)\]$/.test(text.slice(...e.offsets[i]))
    ) {
      i++;
      continue;
    }
    const [s, end] = e.offsets[i];
    assert.ok(
      s < end && end <= text.length,
      `${context}: bad offsets [${s}, ${end}] for token '${e.tokens[i]}' in ${describe(text)}`,
    );
    // Pieces of one original character (e.g. a Hangul syllable NFD-split) share its offsets.
    let pieces = '';
    let j = i;
    while (j < e.input_ids.length && e.offsets[j][0] === s && e.offsets[j][1] === end && e.tokens[j] !== '[UNK]') {
      pieces += j === i ? e.tokens[j].replace(/^##/, '') : e.tokens[j].replace(/^##/, '');
      j++;
    }
    assert.equal(
      normalize(text.slice(s, end)).trim(),
      pieces,
      `${context}: offsets [${s}, ${end}] of '${pieces}' slice ${JSON.stringify(text.slice(s, end))} in ${describe(text)}`,
    );
    i = j;
  }
}

async function compareSingles(lowercase: boolean, seed: number, count: number, checkText: boolean) {
  const { ours, src } = await setup(lowercase);
  const oracle = buildOracle(vocabPath, { lowercase });
  const normalizer = loadOracleModule().bertNormalizer({
    cleanText: true,
    handleChineseChars: true,
    stripAccents: lowercase,
    lowercase,
  });
  const lines = corpus(seed, count, src);
  const theirs = await oracle.encodeBatch(lines);
  lines.forEach((line, k) => {
    const e = ours.encode(line);
    assertSame(e, theirs[k], line, `single lowercase=${lowercase}`);
    if (checkText)
      assertOffsetsPointAtText(e, line, (s) => normalizer.normalizeString(s), `single lowercase=${lowercase}`);
  });
  return lines.length;
}

function pairs(seed: number, count: number, src: CorpusSources): [string, string][] {
  const lines = corpus(seed, 2 * count, src);
  const out: [string, string][] = [];
  for (let k = 0; k < count; k++) out.push([lines[2 * k], lines[2 * k + 1]]);
  return out;
}

test('single texts, lowercased: identical to the Rust oracle, offsets point at their text', async () => {
  assert.equal(await compareSingles(true, 1, 24000, true), 24000);
});

test('single texts, cased: identical to the Rust oracle', async () => {
  assert.equal(await compareSingles(false, 2, 8000, true), 8000);
});

test('pairs, lowercased and cased: identical to the Rust oracle', async () => {
  for (const [lowercase, count] of [
    [true, 8000],
    [false, 3000],
  ] as const) {
    const { ours, src } = await setup(lowercase);
    const oracle = buildOracle(vocabPath, { lowercase });
    const inputs = pairs(lowercase ? 3 : 4, count, src);
    const theirs = await encodeMany(oracle, inputs);
    inputs.forEach((p, k) => assertSame(ours.encode(p[0], p[1]), theirs[k]!, p, `pair lowercase=${lowercase}`));
  }
});

test('truncation: longest_first, only_first, only_second at several max lengths, singles and pairs', async () => {
  const { ours, src } = await setup(true);
  const inputs: Array<string | [string, string]> = [...corpus(5, 600, src), ...pairs(6, 900, src)];
  // Short texts too, so that some sequences are too short for only_first / only_second.
  const r = rng(7);
  for (let k = 0; k < 300; k++)
    inputs.push(r() < 0.5 ? ['a b', corpus(100 + k, 1, src)[0]] : [corpus(100 + k, 1, src)[0], 'c']);
  let compared = 0;
  let tooShort = 0;
  for (const truncation of ['longest_first', 'only_first', 'only_second'] as const) {
    for (const maxLength of [4, 9, 16, 64]) {
      const oracle = buildOracle(vocabPath, { lowercase: true, maxLength, truncation });
      const opts: EncodeOptions = { maxLength, truncation };
      const results = await encodeMany(oracle, inputs);
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k];
        const [a, b] = typeof input === 'string' ? [input, undefined] : input;
        const theirs = results[k];
        if (theirs === undefined) {
          assert.throws(
            () => ours.encode(a, b, opts),
            TruncationError,
            `expected a truncation error like the oracle: ${truncation} ${maxLength} ${describe(input)}`,
          );
          tooShort++;
          continue;
        }
        const e = ours.encode(a, b, opts);
        assertSame(e, theirs, input, `${truncation} max_length=${maxLength}`);
        assert.ok(e.input_ids.length <= maxLength);
        assert.equal(e.truncated, theirs.getOverflowing().length > 0, `truncated flag for ${describe(input)}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 12000 && tooShort > 100, `compared ${compared}, errors ${tooShort}`);
});

test('padding to max_length and to the longest of a batch', async () => {
  const { ours, src } = await setup(true);
  const lines = corpus(8, 2000, src);
  const fixed = buildOracle(vocabPath, { lowercase: true, maxLength: 48 });
  fixed.setPadding({ maxLength: 48, padId: ours.padId, padToken: '[PAD]' });
  const theirs = await fixed.encodeBatch(lines);
  lines.forEach((line, k) =>
    assertSame(
      ours.encode(line, undefined, { maxLength: 48, padding: 'max_length' }),
      theirs[k],
      line,
      'padding max_length',
    ),
  );

  const longest = buildOracle(vocabPath, { lowercase: true });
  longest.setPadding({ padId: ours.padId, padToken: '[PAD]' });
  for (let k = 0; k < lines.length; k += 16) {
    const batch = lines.slice(k, k + 16);
    const expected = await longest.encodeBatch(batch);
    ours
      .encodeBatch(batch, { padding: 'longest' })
      .forEach((e, i) => assertSame(e, expected[i], batch[i], 'padding longest'));
  }
});

test('decode matches the oracle, with and without special tokens', async () => {
  const { ours, src } = await setup(true);
  const oracle = buildOracle(vocabPath, { lowercase: true });
  for (const line of corpus(9, 1500, src)) {
    const ids = ours.encode(line).input_ids;
    assert.equal(ours.decode(ids, { skipSpecialTokens: true }), await oracle.decode(ids, true), describe(line));
    assert.equal(ours.decode(ids), await oracle.decode(ids, false), describe(line));
  }
});
