// Placeholder signatures (implemented next): load and save Hugging Face model folders.
import type { BertConfig } from '../model/config';
import type { AnyBertModel, Task } from '../model/models';

/** The part of the tokenizer helper's BertTokenizer this module needs (src/engine/tokenizer). */
export interface BertTokenizer {
  readonly vocabSize: number;
  save(dir: string): Promise<void>;
}

export interface LoadReport {
  missing: string[];
  unexpected: string[];
  newlyInitialized: string[];
  /** Human-readable warnings in HF's wording. */
  messages: string[];
}
export interface LoadOptions {
  task: Task | string;
  numLabels?: number;
  id2label?: Record<string, string>;
  /** Seed for newly initialised weights. */
  seed?: number;
  /** Hub download progress. */
  onProgress?: (p: { file: string; loaded: number; total?: number }) => void;
  /** Hub revision, default 'main'. */
  revision?: string;
}
export interface LoadResult {
  model: AnyBertModel;
  tokenizer: BertTokenizer;
  config: BertConfig;
  report: LoadReport;
  /** Local folder the files came from. */
  dir: string;
}

export async function loadPretrained(_source: string, _opts: LoadOptions): Promise<LoadResult> {
  throw new Error('loadPretrained: not implemented yet');
}

export async function savePretrained(_model: AnyBertModel, _tokenizer: BertTokenizer, _dir: string): Promise<void> {
  throw new Error('savePretrained: not implemented yet');
}
