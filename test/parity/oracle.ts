// The reference implementation: Hugging Face's Rust `tokenizers` (through @anush008/tokenizers),
// assembled the way BertTokenizerFast is, from the same vocab.txt that we load.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(__filename);
type Oracle = typeof import('@anush008/tokenizers');

export function loadOracleModule(): Oracle {
  return require('@anush008/tokenizers') as Oracle;
}

export interface OracleOptions {
  lowercase: boolean;
  maxLength?: number;
  truncation?: 'longest_first' | 'only_first' | 'only_second';
}

export function buildOracle(vocabPath: string, opts: OracleOptions) {
  const t = loadOracleModule();
  const tokens = readFileSync(vocabPath, 'utf8').split('\n');
  if (tokens[tokens.length - 1] === '') tokens.pop();
  const vocab: Record<string, number> = {};
  tokens.forEach((tok, i) => (vocab[tok] = i));
  const model = t.WordPiece.init(vocab, {
    unkToken: '[UNK]',
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
  });
  const tok = new t.Tokenizer(model);
  tok.setNormalizer(
    t.bertNormalizer({
      cleanText: true,
      handleChineseChars: true,
      stripAccents: opts.lowercase,
      lowercase: opts.lowercase,
    }),
  );
  tok.setPreTokenizer(t.bertPreTokenizer());
  tok.setPostProcessor(
    t.templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
      ['[CLS]', vocab['[CLS]']],
      ['[SEP]', vocab['[SEP]']],
    ]),
  );
  tok.setDecoder(t.wordPieceDecoder('##', true));
  // BertTokenizerFast's tokenizer.json lists these as added special tokens: matched verbatim in text.
  tok.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((s) => s in vocab));
  if (opts.maxLength !== undefined) {
    const strategy = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' }[
      opts.truncation ?? 'longest_first'
    ];
    tok.setTruncation(opts.maxLength, { strategy: strategy as never });
  }
  return tok;
}
