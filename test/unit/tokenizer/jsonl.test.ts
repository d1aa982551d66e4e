import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertTokenizer, bundledVocabPath, JsonlWriter } from '../../../src/engine/tokenizer';
import { corpus, corpusSources } from '../../parity/corpus';

test('the byte writer produces exactly the fields of encode(), as valid JSON, line by line', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const writer = new JsonlWriter(tok, 1024); // small chunks: exercises growth
  const lines = corpus(21, 1500, corpusSources(tok.tokens));
  const cases = lines.map((l, k) => ({
    a: l,
    b: k % 3 === 0 ? lines[(k + 1) % lines.length] : undefined,
    opts: k % 5 === 0 ? { maxLength: 24 } : {},
    pad: k % 10 === 0 ? 24 : 0,
  }));
  for (const c of cases) writer.write(tok.layout(c.a, c.b, c.opts), c.pad);
  const out = Buffer.from(writer.take()).toString('utf8').split('\n');
  assert.equal(out.pop(), '');
  assert.equal(out.length, cases.length);
  cases.forEach((c, k) => {
    const e = tok.encode(c.a, c.b, {
      ...c.opts,
      padding: c.pad ? 'max_length' : false,
      maxLength: c.pad ? 24 : (c.opts as { maxLength?: number }).maxLength,
    });
    const { input_ids, token_type_ids, attention_mask, tokens, offsets } = e;
    assert.deepEqual(JSON.parse(out[k]), { input_ids, token_type_ids, attention_mask, tokens, offsets });
  });
});
