// The ONE hyperparameter schema of bertnb. `training` fields carry Hugging Face TrainingArguments'
// names and defaults; everything here is derived from the tables in fields.ts.
//
// Browser-safe (webviews import it). Node-only loading lives in './load':
//   import { loadRunConfig, ConfigError, resolveRunConfigPaths } from '../schema/load';
export type { FieldKind, FieldSpec, FieldTable, Section } from './spec';
export { SECTIONS } from './spec';
export {
  BACKENDS,
  BUILTIN_MODELS,
  DATA_FORMATS,
  PROBLEM_TYPES,
  REPORT_TO,
  SCHEDULERS,
  STRATEGIES,
  TASKS,
  dataFields,
  pretrainingFields,
  topFields,
  trainingFields,
} from './fields';
export type {
  BackendPreference,
  ConfigIssue,
  DataConfig,
  PretrainingConfig,
  ProblemType,
  RunConfig,
  RunConfigInput,
  SchedulerType,
  Strategy,
  Task,
  TrainingArguments,
  ValidationResult,
} from './types';
export { fieldAt, keysAt, nestedTables } from './sections';
export { runConfigJsonSchema, type JsonSchema } from './jsonSchema';
export { validateRunConfig, type ValidateOptions } from './validate';
export { describeValue, issueText } from './issueText';
export { fieldInputValue } from './fieldInput';
export { yamlValue, MAX_YAML_ALIASES, type YamlValue } from './yamlValue';
export { parseRunConfigText, lineColumnOf, type LocatedIssue, type TextValidationResult } from './source';
export { schemaFields, defaultValues, type SchemaField } from './catalog';
export {
  CLASSIFICATION_METRICS,
  MULTI_LABEL_METRICS,
  PRETRAINING_METRICS,
  REGRESSION_METRICS,
  metricNames,
} from './metrics';
export { bestMetricOf, defaultRunName, evalStepsOf, stepInterval, warmupStepsOf } from './derived';
