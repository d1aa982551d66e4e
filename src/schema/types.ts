// TypeScript types of a run configuration, derived from the field table (never written by hand).
import type { InputOf, ValuesOf } from './spec';
import type { dataFields, pretrainingFields, topFields, trainingFields } from './fields';

/** HF `TrainingArguments` fields (same names, same defaults) plus bertnb's early stopping and backend. */
export type TrainingArguments = ValuesOf<typeof trainingFields>;
export type DataConfig = ValuesOf<typeof dataFields>;
export type PretrainingConfig = ValuesOf<typeof pretrainingFields>;

/** A validated run configuration: every key present, defaults applied. */
export type RunConfig = ValuesOf<typeof topFields> & {
  data: DataConfig;
  training: TrainingArguments;
  pretraining: PretrainingConfig;
};

/** What a person writes in YAML/JSON (any key may be left out). */
export type RunConfigInput = InputOf<typeof topFields> & {
  data?: InputOf<typeof dataFields> | null;
  training?: (InputOf<typeof trainingFields> & { evaluation_strategy?: TrainingArguments['eval_strategy'] }) | null;
  pretraining?: InputOf<typeof pretrainingFields> | null;
};

export type Task = RunConfig['task'];
export type Strategy = TrainingArguments['eval_strategy'];
export type SchedulerType = TrainingArguments['lr_scheduler_type'];
export type ProblemType = NonNullable<DataConfig['problem_type']>;
export type BackendPreference = TrainingArguments['backend'];

/** One problem found in a configuration. `path` is dotted ('training.learning_rate', 'training.report_to.0'). */
export interface ConfigIssue {
  path: string;
  value: unknown;
  message: string;
  /** unknown-key: the key itself is wrong; value: the value breaks a field rule; missing: a required key is absent;
   *  rule: a combination of fields is inconsistent; syntax: the text does not parse. */
  kind: 'unknown-key' | 'value' | 'missing' | 'rule' | 'syntax';
  /** A replacement for the key (unknown-key) or value (enum) that is probably meant; for quick fixes. */
  suggestion?: string;
}

export interface ValidationResult {
  ok: boolean;
  /** Present when ok: the configuration with every default applied. */
  config?: RunConfig;
  errors: ConfigIssue[];
  /** Accepted but worth saying (deprecated aliases, settings that override each other). */
  warnings: ConfigIssue[];
}
