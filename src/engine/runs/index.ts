// Runs on disk: trainer_state.json in Hugging Face's format (read/write) and discovery of runs —
// bertnb's and Hugging Face Trainer's checkpoint folders alike — with their curves.
export {
  TRAINER_STATE_FILE,
  TrainerStateError,
  makeTrainerState,
  parseTrainerState,
  readTrainerState,
  readTrainerStateSync,
  stateJson,
  writeTrainerState,
  type HfTrainerState,
  type LogEntry,
  type TrainerStateRead,
} from './trainerState';
export { listRuns, pointsOf, readRun, type RunInfo, type RunPoint } from './discover';
export { bertnbResumeFromHf, hfResumeState, isHfTrainerCheckpoint, type HfResumeState } from './resume';
export {
  checkResumeIdentity,
  checkpointIdentity,
  currentIdentity,
  identityDifferences,
  type RunIdentity,
} from './identity';
export { LOCK_FILE, RunLockedError, acquireRunLock, type LockOwner, type RunLock } from './lock';
export { RunStore, type BeginOptions, type RunStoreOptions } from './store';
export { compactKeepingExtremes } from './compact';
export { RateLimiter } from './rateLimit';
export { feedStore } from './feed';
