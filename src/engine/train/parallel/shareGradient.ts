// The gradient of one share of a micro-batch on this thread's copy of the model, handed to a sink
// (sumOrder.ts: added into the shared sum in turn) as the backward pass produces each weight's
// gradient: the same code runs on the calling thread and in every worker thread.
import { lossAndGradients, type GradientSink, type LossModel } from '../backward';
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

/** Hands d(scale · Σ_term weight·loss_term)/dθ of the share to `sink`; returns the share's part of scale·loss. */
export function shareGradient(model: LossModel, job: ShareJob, sink: GradientSink): number {
  const { share, kind, scale, dropoutSeed, gradientCheckpointing, rowsPerPass } = job;
  const terms = lossTerms(kind).map((output, i) => ({ output, weight: share.weights[i] }));
  const spec = {
    kind,
    scale,
    dropoutSeed,
    gradientCheckpointing,
    rowsPerPass,
    share: { exampleOffset: share.offset, terms },
  };
  const value = lossAndGradients(model, share.host, spec, sink);
  const loss = value.dataSync()[0];
  value.dispose();
  return loss;
}
