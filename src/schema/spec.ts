// The vocabulary of the field table: what one hyperparameter declares, and how a field's declaration
// becomes its TypeScript type. Kept apart from the table so the table reads as plain data.

/**
 * Groups, in the order forms show them: the task and data, then the training keys people set most
 * (Essentials), then the rest in the order Hugging Face's TrainingArguments documentation presents
 * them, and last the do_* flags that change nothing.
 */
export const SECTIONS = [
  'Task',
  'Data',
  'Pretraining',
  'Essentials',
  'Output',
  'Batching',
  'Optimizer',
  'Schedule',
  'Evaluation',
  'Checkpointing',
  'Logging',
  'Reproducibility',
  'Early stopping',
  'Compute',
  'Informational',
] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * `string|boolean` is resume_from_checkpoint (a path, or true for the latest);
 * `string[]` accepts a single string too (normalised to a one-element list before validation).
 */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'string|boolean' | 'string[]' | 'object';

/**
 * The largest integer a JavaScript number holds exactly (2^53 - 1). Above it, neighbouring values
 * collapse (max_steps 2^53 + 1 reads as 2^53), and the protocol drops every progress message whose
 * step count is not an exact integer, so every integer field is bounded by it.
 */
export const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER;
export const INEXACT_INTEGER_MESSAGE = `must be at most ${MAX_EXACT_INTEGER} (2^53 - 1, the largest integer bertnb can count exactly)`;

export interface FieldSpec {
  readonly kind: FieldKind;
  /** Applied when the key is absent. `null` is HF's `None` ("unset, the engine decides"). */
  readonly default: unknown;
  readonly description: string;
  readonly section: Section;
  readonly nullable?: boolean;
  readonly required?: boolean;
  readonly enum?: readonly string[];
  /** Allowed items of a `string[]` field (absent: any string). */
  readonly items?: readonly string[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
  /** Old names still accepted (HF renamed evaluation_strategy → eval_strategy). */
  readonly aliases?: readonly string[];
  /**
   * false: a bertnb key with no TrainingArguments counterpart (HF uses a callback or a collator instead).
   * Only meaningful in the `training` table.
   */
  readonly hf?: boolean;
  /** Nested fields of an `object` field (e.g. data.split). */
  readonly fields?: Readonly<Record<string, FieldSpec>>;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

type BaseValue<F> = F extends { kind: 'enum'; enum: readonly (infer E)[] }
  ? E
  : F extends { kind: 'string' }
    ? string
    : F extends { kind: 'number' | 'integer' }
      ? number
      : F extends { kind: 'boolean' }
        ? boolean
        : F extends { kind: 'string|boolean' }
          ? string | boolean
          : F extends { kind: 'string[]'; items: readonly (infer I)[] }
            ? I[]
            : F extends { kind: 'string[]' }
              ? string[]
              : F extends { kind: 'object'; fields: infer T }
                ? ValuesOf<T>
                : never;

type FieldValue<F> = F extends { nullable: true } ? BaseValue<F> | null : BaseValue<F>;

/** The type of an object described by a field table (after defaults: every key present). */
export type ValuesOf<T> = { -readonly [K in keyof T]: FieldValue<T[K]> };

/** What a person may write: every key optional, nested objects too. */
export type InputOf<T> = {
  -readonly [K in keyof T]?: T[K] extends { kind: 'object'; fields: infer S } ? InputOf<S> | null : FieldValue<T[K]>;
};
