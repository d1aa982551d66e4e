// WordPiece tokenization with the behaviour of Hugging Face's BertTokenizerFast.
// What callers can rely on:
//  - maskId is -1 when the vocabulary has no [MASK]; tokenToId/idToToken return undefined when unknown.
//  - load(path, { doLowerCase }) lets callers override the case handling the files declare.
//  - The special tokens [PAD] [UNK] [CLS] [SEP] [MASK] written in the text are matched verbatim (as
//    HF's added special tokens are), so "Paris is the [MASK] of France" keeps its [MASK] id.
//  - `truncated` tells whether tokens were cut; errors are VocabError (files) and TruncationError.
//  - encoder/layout() expose the fused pipeline for fast writers (the CLI's JSONL writer);
//    `tokens` is the vocabulary in id order; tokenizeStream() is the whole lines -> JSONL job.
//  - Offsets are UTF-16 indices into the original text (what String#slice takes); the Rust
//    tokenizers count code points instead — the parity test converts before comparing.
//  - tokenizer.json: only model.vocab is read (added_tokens outside it are ignored) and the
//    case handling comes from its BertNormalizer.
export { BertTokenizer, bundledVocabPath, type Encoding, type EncodeOptions, type Layout } from './tokenizer';
export { VocabError } from './vocab';
export { TruncationError, type TruncationStrategy } from './post-processor';
export { trainWordPiece, type TrainOptions } from './trainer';
export { BertNormalizer } from './normalizer';
export { preTokenize } from './pre-tokenizer';
export { WordPiece } from './wordpiece';
export { JsonlWriter } from './jsonl';
export { lineBatches, InvalidUtf8Error } from './lines';
export { tokenizeStream, LineError, type TokenizeStreamOptions } from './stream';
export { tokenizeStreamParallel, serveTokenizeWorker, type WorkerEntry } from './parallel';
