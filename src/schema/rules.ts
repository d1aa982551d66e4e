// Rules that involve several fields. Those under `training` are the checks Hugging Face
// TrainingArguments.__post_init__ and EarlyStoppingCallback make, so a config that passes here
// also passes in the Trainer export.
import type { ConfigIssue, RunConfig } from './types';
import { evalStepsOf } from './derived';
import { metricNames } from './metrics';

export function checkRules(
  c: RunConfig,
  opts: { requireData: boolean },
): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const t = c.training;
  const err = (path: string, value: unknown, message: string) => errors.push({ path, value, message, kind: 'rule' });

  if (opts.requireData && !c.data.train) {
    errors.push({
      path: 'data.train',
      value: c.data.train,
      message: 'is required: the training file',
      kind: 'missing',
    });
  }

  for (const key of ['logging_steps', 'eval_steps', 'save_steps'] as const) {
    const v = t[key];
    if (v !== null && v > 1 && !Number.isInteger(v)) {
      err(`training.${key}`, v, 'must be a whole number of steps (or below 1 for a share of the total steps)');
    }
  }

  if (t.load_best_model_at_end) {
    if (t.eval_strategy === 'no') {
      err('training.eval_strategy', t.eval_strategy, "must be 'steps' or 'epoch' when load_best_model_at_end is true");
    } else if (t.save_strategy !== t.eval_strategy) {
      err(
        'training.save_strategy',
        t.save_strategy,
        `must equal eval_strategy ('${t.eval_strategy}') when load_best_model_at_end is true`,
      );
    } else if (t.eval_strategy === 'steps') {
      const every = evalStepsOf(t);
      if (every < 1 !== t.save_steps < 1) {
        err(
          'training.save_steps',
          t.save_steps,
          `must be a share of the total steps (below 1) like eval_steps (${every}), or both whole numbers, when load_best_model_at_end is true`,
        );
      } else if (Math.round(t.save_steps * 1e6) % Math.round(every * 1e6) !== 0) {
        err(
          'training.save_steps',
          t.save_steps,
          `must be a multiple of eval_steps (${every}) when load_best_model_at_end is true`,
        );
      }
    }
  }

  if (t.early_stopping_patience !== null) {
    if (t.eval_strategy === 'no') {
      err(
        'training.eval_strategy',
        t.eval_strategy,
        "must be 'steps' or 'epoch' for early stopping (it compares evaluations)",
      );
    } else if (!t.load_best_model_at_end) {
      err(
        'training.load_best_model_at_end',
        false,
        'must be true for early stopping (as Hugging Face EarlyStoppingCallback requires)',
      );
    }
  }

  if (t.metric_for_best_model !== null) {
    const allowed = metricNames(c.task, c.data.problem_type);
    const name = t.metric_for_best_model.replace(/^eval_/, '');
    if (!allowed.includes(name))
      err('training.metric_for_best_model', t.metric_for_best_model, `must be one of ${allowed.join(', ')}`);
  }

  const hasValidation = c.data.validation !== null || c.data.split.validation > 0;
  if (t.eval_strategy !== 'no' && !hasValidation) {
    err(
      'data.split.validation',
      c.data.split.validation,
      'must be > 0 (or give data.validation) when eval_strategy is not "no"',
    );
  }

  if (c.task === 'pretraining' && c.data.problem_type !== null) {
    warnings.push({
      path: 'data.problem_type',
      value: c.data.problem_type,
      message: 'is ignored when task is pretraining',
      kind: 'rule',
    });
  }
  if (t.warmup_steps > 0 && t.warmup_ratio > 0) {
    warnings.push({
      path: 'training.warmup_ratio',
      value: t.warmup_ratio,
      message: 'is ignored because warmup_steps is set',
      kind: 'rule',
    });
  }
  if (t.max_steps > 0 && t.num_train_epochs !== 3) {
    warnings.push({
      path: 'training.num_train_epochs',
      value: t.num_train_epochs,
      message: 'is ignored because max_steps is set',
      kind: 'rule',
    });
  }
  if (t.max_steps === 0) err('training.max_steps', 0, 'must be -1 (train for num_train_epochs) or > 0');
  return { errors, warnings };
}
