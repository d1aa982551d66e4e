// The gradient of one share of a micro-batch on this thread's copy of the model, added into host
// Float32Arrays as the backward pass produces each weight's gradient: the same code runs on the
// calling thread and in every worker thread.
import { lossAndGradients, type LossModel } from '../backward';
import { addInto } from '../hostTensors';
import type { TrainKind } from '../tensors';
import { lossTerms, type Share } from './shares';

export interface ShareJob {
  share: Share;
  kind: TrainKind;
  /** 1 / (micro-batches in this update). */
  scale: number;
  dropoutSeed: number;
  gradientCheckpointing: boolean;
  /** Rows per forward + backward pass (backward.ts); undefined: the share in one pass. */
  rowsPerPass?: number;
}

/** Adds d(scale · Σ_term weight·loss_term)/dθ of the share into `into`; returns the share's part of scale·loss. */
export function shareGradient(model: LossModel, job: ShareJob, into: Float32Array[]): number {
  const { share, kind, scale, dropoutSeed, gradientCheckpointing, rowsPerPass } = job;
  const terms = lossTerms(kind).map((output, i) => ({ output, weight: share.weights[i] }));
  const spec = { kind, scale, dropoutSeed, gradientCheckpointing, rowsPerPass, share: { exampleOffset: share.offset, terms } };
  const value = lossAndGradients(model, share.host, spec, (i, g) => addInto(into[i], g));
  const loss = value.dataSync()[0];
  value.dispose();
  return loss;
}
