// `tokenize` op (notebook %tokenize cell): token chips for texts or pairs with the current tokenizer.
import type { TokenChip, TokensOutput } from '../../protocol/notebook-outputs';
import { currentTokenizer, type OpHandler } from './context';

export const tokenizeOp: OpHandler<'tokenize'> = async (a, { state }) => {
  if (!Array.isArray(a.texts) || a.texts.length === 0)
    throw new Error('%tokenize needs text: a text or a list of texts');
  const tok = await currentTokenizer(state);
  const maxLength = a.max_length ?? 512;
  const truncation = (a.truncation ?? 'longest_first') as 'longest_first';
  const items = a.texts.map(([text, pair]) => {
    const p = pair ?? undefined;
    const enc = tok.encode(text, p, { maxLength, truncation });
    const full = enc.truncated ? tok.encode(text, p, { truncation: false }).input_ids.length : enc.input_ids.length;
    const tokens: TokenChip[] = enc.tokens.map((t, i) => ({
      id: enc.input_ids[i],
      token: t,
      type: enc.token_type_ids[i],
      special: enc.special_tokens_mask[i] === 1,
      unk: enc.input_ids[i] === tok.unkId,
      piece: t.startsWith('##'),
    }));
    return { text, pair: p, tokens, truncated: enc.truncated, fullLength: full };
  });
  const out: TokensOutput = { maxLength, lowercase: tok.doLowerCase, vocabSize: tok.vocabSize, items };
  return out;
};
