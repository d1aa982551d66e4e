// BertTokenizer: the whole pipeline (normalizer -> pre-tokenizer -> WordPiece -> post-processor)
// behind the API of Hugging Face's BertTokenizerFast.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BertNormalizer } from './normalizer';
import { Encoder, TokenBuffer } from './pipeline';
import { addedTokenCount, truncatedLengths, TruncationError, type TruncationStrategy } from './post-processor';
import { WordPiece } from './wordpiece';
import { decodeTokens } from './decoder';
import { loadVocab, saveVocab, SPECIALS, validateTokens } from './vocab';

export interface Encoding {
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  tokens: string[];
  /** [start, end) in UTF-16 units of the ORIGINAL text (of A or of B); [0, 0] for special and pad tokens. */
  offsets: [number, number][];
  special_tokens_mask: number[];
  truncated: boolean;
}

export interface EncodeOptions {
  maxLength?: number;
  /** Defaults to 'longest_first' when maxLength is given. */
  truncation?: TruncationStrategy | false;
  padding?: 'max_length' | 'longest' | false;
  addSpecialTokens?: boolean;
  /**
   * Stop tokenizing each text after about this many tokens. Must exceed max_length for truncation
   * to be exact; `truncated` stays right, lengths beyond the limit are not known.
   */
  stopAfter?: number;
}

/** Token counts of A and B after truncation, and the padded length: what an output writer needs. */
export interface Layout {
  a: TokenBuffer;
  b: TokenBuffer | undefined;
  lengthA: number;
  lengthB: number;
  special: boolean;
  truncated: boolean;
}

export class BertTokenizer {
  readonly vocabSize: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  /** -1 when the vocabulary has no [MASK]. */
  readonly maskId: number;
  /** The fused normalizer + pre-tokenizer + WordPiece (fast path for writers such as the CLI). */
  readonly encoder: Encoder;
  private readonly model: WordPiece;
  private readonly specialIds: Set<number>;
  private readonly bufA = new TokenBuffer();
  private readonly bufB = new TokenBuffer();

  private constructor(
    private readonly vocab: readonly string[],
    readonly doLowerCase: boolean,
  ) {
    const id = (t: string) => vocab.indexOf(t);
    this.vocabSize = vocab.length;
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.padId = id('[PAD]');
    this.unkId = id('[UNK]');
    this.maskId = id('[MASK]');
    this.model = new WordPiece(vocab, this.unkId);
    const specials = SPECIALS.map((text) => ({ text, id: this.model.ids.get(text) ?? -1 })).filter((s) => s.id >= 0);
    this.specialIds = new Set(specials.map((s) => s.id));
    this.encoder = new Encoder(new BertNormalizer(doLowerCase), this.model, specials);
  }

  /** From vocab.txt, tokenizer.json or a model folder. doLowerCase overrides what the files say (default: true). */
  static async load(pathOrDir: string, opts: { doLowerCase?: boolean } = {}): Promise<BertTokenizer> {
    const loaded = await loadVocab(pathOrDir);
    return new BertTokenizer(loaded.tokens, opts.doLowerCase ?? loaded.doLowerCase ?? true);
  }

  static fromVocab(tokens: string[], opts: { doLowerCase?: boolean } = {}): BertTokenizer {
    validateTokens(tokens, '<vocabulary>', (id) => ` (id ${id})`);
    return new BertTokenizer(tokens.slice(), opts.doLowerCase ?? true);
  }

  tokenToId(token: string): number | undefined {
    return this.model.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }

  /** The vocabulary, in id order. */
  get tokens(): readonly string[] {
    return this.vocab;
  }

  encode(text: string, pair?: string, opts: EncodeOptions = {}): Encoding {
    const layout = this.layout(text, pair, opts);
    return this.toEncoding(layout, opts.padding === 'max_length' ? this.maxLengthFor(opts) : 0);
  }

  encodeBatch(inputs: Array<string | [string, string]>, opts: EncodeOptions = {}): Encoding[] {
    const encodings = inputs.map((input) => {
      const [a, b] = typeof input === 'string' ? [input, undefined] : input;
      return this.toEncoding(this.layout(a, b, opts), opts.padding === 'max_length' ? this.maxLengthFor(opts) : 0);
    });
    if (opts.padding === 'longest') {
      const longest = Math.max(0, ...encodings.map((e) => e.input_ids.length));
      for (const e of encodings) this.pad(e, longest);
    }
    return encodings;
  }

  /**
   * Tokenizes A (and B) into the tokenizer's own reusable buffers and decides the truncation.
   * The buffers are overwritten by the next call: read them before encoding again.
   */
  layout(text: string, pair: string | undefined, opts: EncodeOptions = {}): Layout {
    const special = opts.addSpecialTokens !== false;
    const a = this.bufA;
    a.length = 0;
    const limit = opts.stopAfter ?? Infinity;
    this.encoder.encodeInto(text, a, limit);
    let b: TokenBuffer | undefined;
    if (pair !== undefined) {
      b = this.bufB;
      b.length = 0;
      this.encoder.encodeInto(pair, b, limit);
    }
    let lengthA = a.length;
    let lengthB = b ? b.length : 0;
    const strategy = opts.truncation ?? (opts.maxLength !== undefined ? 'longest_first' : false);
    if (strategy !== false) {
      const maxLength = this.maxLengthFor(opts);
      const added = addedTokenCount(b !== undefined, special);
      if (maxLength < added)
        throw new TruncationError(`max_length ${maxLength} leaves no room for the ${added} special tokens`);
      [lengthA, lengthB] = truncatedLengths(lengthA, b ? lengthB : undefined, maxLength - added, strategy);
    }
    const truncated = lengthA < a.length || (b !== undefined && lengthB < b.length);
    return { a, b, lengthA, lengthB, special, truncated };
  }

  private maxLengthFor(opts: EncodeOptions): number {
    const m = opts.maxLength;
    if (m === undefined) throw new TruncationError('maxLength is required for truncation or max_length padding');
    if (!Number.isInteger(m) || m < 0) throw new TruncationError(`maxLength must be a non-negative integer, got ${m}`);
    return m;
  }

  private toEncoding(l: Layout, padTo: number): Encoding {
    const e: Encoding = {
      input_ids: [],
      token_type_ids: [],
      attention_mask: [],
      tokens: [],
      offsets: [],
      special_tokens_mask: [],
      truncated: l.truncated,
    };
    const push = (id: number, type: number, start: number, end: number, special: number) => {
      e.input_ids.push(id);
      e.token_type_ids.push(type);
      e.attention_mask.push(1);
      e.tokens.push(this.vocab[id]);
      e.offsets.push([start, end]);
      e.special_tokens_mask.push(special);
    };
    const content = (buf: TokenBuffer, n: number, type: number) => {
      for (let k = 0; k < n; k++) push(buf.ids[k], type, buf.starts[k], buf.ends[k], 0);
    };
    if (l.special) push(this.clsId, 0, 0, 0, 1);
    content(l.a, l.lengthA, 0);
    if (l.special) push(this.sepId, 0, 0, 0, 1);
    if (l.b) {
      content(l.b, l.lengthB, 1);
      if (l.special) push(this.sepId, 1, 0, 0, 1);
    }
    this.pad(e, padTo);
    return e;
  }

  private pad(e: Encoding, length: number): void {
    for (let k = e.input_ids.length; k < length; k++) {
      e.input_ids.push(this.padId);
      e.token_type_ids.push(0);
      e.attention_mask.push(0);
      e.tokens.push(this.vocab[this.padId]);
      e.offsets.push([0, 0]);
      e.special_tokens_mask.push(1);
    }
  }

  decode(ids: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    const tokens: string[] = [];
    for (const id of ids) {
      if (opts.skipSpecialTokens && this.specialIds.has(id)) continue;
      const t = this.vocab[id];
      if (t !== undefined) tokens.push(t);
    }
    return decodeTokens(tokens);
  }

  async save(dir: string): Promise<void> {
    await saveVocab(dir, this.vocab, this.doLowerCase, this.maskId >= 0);
  }
}

/** media/vocab/bert-base-uncased/vocab.txt, found from the bundle (dist/) or from the sources. */
export function bundledVocabPath(): string {
  const rel = join('media', 'vocab', 'bert-base-uncased', 'vocab.txt');
  let dir = __dirname;
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, rel);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(__dirname, '..', rel);
}
