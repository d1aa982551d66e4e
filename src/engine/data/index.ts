// Data pipeline: readers → cleaning → labels → tokenized examples → seeded batches (+ MLM/NSP for pretraining).
export { readRecords, formatOf, checkReadable, DataError, type FileFormat, type RawRecord } from './readers';
export { cleanText, MAX_TEXT_CHARS } from './clean';
export { makeLabelMap, sortLabels, labelNames, inferProblemType, type LabelMap, type ProblemType } from './labels';
export { loadData, type DataOptions, type Example, type LoadedData } from './dataset';
export { encodeExamples, summarizeSplit, formatSummary, type TokenizerLike, type EncodedExample, type DataSummary, type SplitSummary } from './encode';
export { epochBatches, padBatch, collateClassification, type PaddedBatch } from './batches';
export { maskTokens, splitDocuments, nspPairs, type MlmOptions, type NspPair } from './pretraining';
