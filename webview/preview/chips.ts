// Pure model of the tokenization preview: which word each token belongs to (HF `word_ids` for
// WordPiece: a `##` piece continues the previous word), which tokens are [UNK], which were cut by
// truncation, and the counts shown above the chips. No DOM here so it is unit tested in Node.

import type { PreviewEncodingPayload } from '../../src/protocol/panels';

/** What the host sends for one preview (the protocol's payload; offsets are UTF-16 indices, [0,0] for specials). */
export type PreviewEncoding = PreviewEncodingPayload;

export interface TokenView {
  index: number;
  token: string;
  id: number;
  start: number;
  end: number;
  segment: number;
  special: boolean;
  unk: boolean;
  cut: boolean;
  /** Index of the word within its segment's text, or null for special tokens. */
  word: number | null;
}

export function tokenViews(enc: PreviewEncoding, unkId: number): TokenView[] {
  let word = -1;
  let lastSegment = -1;
  return enc.tokens.map((token, i) => {
    const special = enc.special[i] === 1;
    const segment = enc.segments[i] ?? 0;
    if (segment !== lastSegment) {
      lastSegment = segment;
    }
    let w: number | null = null;
    if (!special) {
      if (!token.startsWith('##') || word < 0) word++;
      w = word;
    }
    const [start, end] = enc.offsets[i] ?? [0, 0];
    return {
      index: i,
      token,
      id: enc.ids[i],
      start,
      end,
      segment,
      special,
      unk: enc.ids[i] === unkId && !special,
      cut: enc.kept[i] === false,
      word: w,
    };
  });
}

export interface PreviewCounts {
  tokens: number;
  kept: number;
  cut: number;
  unk: number;
  words: number;
  special: number;
}

export function previewCounts(views: TokenView[]): PreviewCounts {
  const words = new Set<number>();
  let cut = 0;
  let unk = 0;
  let special = 0;
  for (const v of views) {
    if (v.word !== null) words.add(v.word);
    if (v.cut) cut++;
    if (v.unk) unk++;
    if (v.special) special++;
  }
  return { tokens: views.length, kept: views.length - cut, cut, unk, words: words.size, special };
}

/** The colour class of a chip: words alternate through a small palette so neighbours differ. */
export function wordColour(v: TokenView, paletteSize = 6): string {
  return v.word === null ? 'special' : `w${v.word % paletteSize}`;
}

export function summary(c: PreviewCounts, maxLength: number): string {
  const parts = [`${c.tokens} tokens`, `${c.words} words`];
  if (c.unk) parts.push(`${c.unk} [UNK]`);
  parts.push(c.cut ? `${c.cut} cut by max_length ${maxLength}` : `fits max_length ${maxLength}`);
  return parts.join(' · ');
}
