// The run's step count must be an exact integer: every progress message carries it, and the protocol
// (rightly) drops a message whose counts are not exact, so a run past 2^53 - 1 steps would train on
// in silence. max_steps is bounded by the schema; num_train_epochs × steps per epoch is checked here.
import { INEXACT_INTEGER_MESSAGE } from '../../schema/spec';

export function checkStepCount(maxSteps: number, epochs: number, updatesPerEpoch: number): void {
  if (Number.isSafeInteger(maxSteps)) return;
  throw new Error(
    `training.num_train_epochs: ${epochs} epochs × ${updatesPerEpoch} steps per epoch = ${maxSteps} steps; the step count ${INEXACT_INTEGER_MESSAGE}`,
  );
}
