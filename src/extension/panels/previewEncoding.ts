// What the preview shows for one input: the whole encoding (so truncated tokens can be drawn, struck
// through) plus, per token, whether the model would still see it at max_length.
import type { BertTokenizer } from '../../engine/tokenizer';
import type { PreviewEncodingPayload } from '../../protocol/panels';

export function previewEncoding(
  tok: BertTokenizer,
  text: string,
  pair: string | undefined,
  maxLength: number,
): PreviewEncodingPayload {
  const full = tok.encode(text, pair || undefined, { truncation: false });
  const kept = new Set<string>();
  let fits = full.input_ids.length <= maxLength;
  if (!fits) {
    const cut = tok.encode(text, pair || undefined, { maxLength, truncation: 'longest_first' });
    cut.tokens.forEach((t, i) => {
      if (!cut.special_tokens_mask[i])
        kept.add(`${cut.token_type_ids[i]}:${cut.offsets[i][0]}:${cut.offsets[i][1]}:${t}`);
    });
  }
  return {
    tokens: full.tokens,
    ids: full.input_ids,
    offsets: full.offsets,
    segments: full.token_type_ids,
    special: full.special_tokens_mask,
    kept: full.tokens.map(
      (t, i) =>
        fits ||
        full.special_tokens_mask[i] === 1 ||
        kept.has(`${full.token_type_ids[i]}:${full.offsets[i][0]}:${full.offsets[i][1]}:${t}`),
    ),
  };
}
