// Data pipeline: strict readers → cleaning → labels → tokenized examples (streamed into packed typed
// arrays for training) → seeded batches (+ MLM/NSP for pretraining).
export {
  readRecords,
  formatOf,
  checkReadable,
  DataError,
  type FileFormat,
  type RawRecord,
  type ReadOptions,
} from './readers';
export { BadRows } from './badRows';
export { cleanText, MAX_TEXT_CHARS } from './clean';
export {
  makeLabelMap,
  sortLabels,
  labelNames,
  labelName,
  badLabel,
  inferProblemType,
  type LabelMap,
  type ProblemType,
} from './labels';
export { loadData, validationRows, type DataOptions, type Example, type LoadedData } from './dataset';
export {
  prepareData,
  formatDataProgress,
  type DataProgress,
  type PreparedData,
  type PrepareDataOptions,
} from './prepare';
export {
  PackedExamples,
  ExampleSubset,
  exampleLengths,
  rowLength,
  rowFullLength,
  rowLabel,
  type ExampleSet,
} from './packed';
export {
  encodeExamples,
  encodeRow,
  lengthProbe,
  summarizeSplit,
  formatSummary,
  type TokenizerLike,
  type EncodedExample,
  type DataSummary,
  type SplitSummary,
} from './encode';
export { epochBatches, padBatch, collateClassification, type PaddedBatch } from './batches';
export { maskTokens, splitDocuments, nspPairs, type MlmOptions, type NspPair } from './pretraining';
