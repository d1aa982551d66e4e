// trainer_state.json in Hugging Face Trainer's format (TrainerState.save_to_json), so tools that read
// HF checkpoints (and HF Trainer itself on resume) understand ours.

export interface LogEntry {
  step: number;
  epoch: number;
  [key: string]: number;
}

export interface HfTrainerState {
  best_metric: number | null;
  best_model_checkpoint: string | null;
  epoch: number;
  eval_steps: number;
  global_step: number;
  is_hyper_param_search: boolean;
  is_local_process_zero: boolean;
  is_world_process_zero: boolean;
  log_history: LogEntry[];
  logging_steps: number;
  max_steps: number;
  num_input_tokens_seen: number;
  num_train_epochs: number;
  save_steps: number;
  stateful_callbacks: Record<string, { args: Record<string, unknown>; attributes: Record<string, unknown> }>;
  total_flos: number;
  train_batch_size: number;
  trial_name: null;
  trial_params: null;
}

export function makeTrainerState(s: {
  bestMetric?: number;
  bestCheckpoint?: string;
  epoch: number;
  evalSteps: number;
  globalStep: number;
  logHistory: LogEntry[];
  loggingSteps: number;
  maxSteps: number;
  tokensSeen: number;
  numTrainEpochs: number;
  saveSteps: number;
  trainBatchSize: number;
  earlyStopping?: { patience: number; threshold: number; counter: number };
  shouldTrainingStop: boolean;
}): HfTrainerState {
  const callbacks: HfTrainerState['stateful_callbacks'] = {
    TrainerControl: {
      args: {
        should_epoch_stop: false,
        should_evaluate: false,
        should_log: false,
        should_save: true,
        should_training_stop: s.shouldTrainingStop,
      },
      attributes: {},
    },
  };
  if (s.earlyStopping)
    callbacks.EarlyStoppingCallback = {
      args: { early_stopping_patience: s.earlyStopping.patience, early_stopping_threshold: s.earlyStopping.threshold },
      attributes: { early_stopping_patience_counter: s.earlyStopping.counter },
    };
  return {
    best_metric: s.bestMetric ?? null,
    best_model_checkpoint: s.bestCheckpoint ?? null,
    epoch: s.epoch,
    eval_steps: s.evalSteps,
    global_step: s.globalStep,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: s.logHistory,
    logging_steps: s.loggingSteps,
    max_steps: s.maxSteps,
    num_input_tokens_seen: s.tokensSeen,
    num_train_epochs: s.numTrainEpochs,
    save_steps: s.saveSteps,
    stateful_callbacks: callbacks,
    total_flos: 0,
    train_batch_size: s.trainBatchSize,
    trial_name: null,
    trial_params: null,
  };
}
