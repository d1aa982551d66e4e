// The fused encoder must equal the stages run one after another: normalize, pre-tokenize,
// WordPiece each word, and map offsets back through the normalizer's alignments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertNormalizer, BertTokenizer, bundledVocabPath, preTokenize, WordPiece } from '../../../src/engine/tokenizer';
import { corpus, corpusSources } from '../../parity/corpus';

function staged(text: string, normalizer: BertNormalizer, model: WordPiece, vocab: readonly string[]) {
  const { normalized, alignments } = normalizer.normalize(text);
  const out: { id: number; start: number; end: number }[] = [];
  for (const w of preTokenize(normalized)) {
    const pieces = model.tokenize(w.text);
    let s = 0;
    for (let k = 0; k < pieces.length; k += 2) {
      const e = pieces[k + 1];
      out.push({ id: pieces[k], start: alignments[w.start + s][0], end: alignments[w.start + e - 1][1] });
      s = e;
    }
  }
  void vocab;
  return out;
}

for (const lowercase of [true, false]) {
  test(`fused encoder = normalizer -> pre-tokenizer -> WordPiece (lowercase=${lowercase})`, async () => {
    const tok = await BertTokenizer.load(bundledVocabPath(), { doLowerCase: lowercase });
    const normalizer = new BertNormalizer(lowercase);
    const model = new WordPiece(tok.tokens, tok.unkId);
    // Special tokens in the text are matched by the fused encoder only, so leave them out here.
    const lines = corpus(lowercase ? 11 : 12, 3000, corpusSources(tok.tokens)).map((l) =>
      l.replace(/\[(MASK|CLS|SEP|PAD|UNK)\]/g, '[x]'),
    );
    for (const line of lines) {
      const e = tok.encode(line, undefined, { addSpecialTokens: false });
      const expected = staged(line, normalizer, model, tok.tokens);
      assert.deepEqual(
        e.input_ids.map((id, k) => ({ id, start: e.offsets[k][0], end: e.offsets[k][1] })),
        expected,
        JSON.stringify(line).slice(0, 200),
      );
    }
  });
}
