// The gradient of one share of a micro-batch on this thread's copy of the model, added into host
// Float32Arrays as the backward pass produces each weight's gradient: the same code runs on the
// calling thread and in every worker thread.
import { lossAndGradients, type LossModel } from '../backward';
import { addInto } from '../hostTensors';
import type { TrainKind } from '../tensors';
import { lossTerms, type Share } from './shares';
import { touchedRows, type TouchedRows } from '../../backend/sparseRows';

export interface ShareJob {
  share: Share;
  kind: TrainKind;
  /** 1 / (micro-batches in this update). */
  scale: number;
  dropoutSeed: number;
  gradientCheckpointing: boolean;
}

export interface ShareResult {
  /** The share's part of scale·loss. */
  loss: number;
  /** Weights whose gradient this job added in some rows only (embedding tables): [index, those rows]. */
  touched: Array<[number, TouchedRows]>;
}

/** Adds d(scale · Σ_term weight·loss_term)/dθ of the share into `into`. */
export function shareGradient(model: LossModel, job: ShareJob, into: Float32Array[]): ShareResult {
  const { share, kind, scale, dropoutSeed, gradientCheckpointing } = job;
  const terms = lossTerms(kind).map((output, i) => ({ output, weight: share.weights[i] }));
  const spec = { kind, scale, dropoutSeed, gradientCheckpointing, share: { exampleOffset: share.offset, terms } };
  // null: dense. A weight read twice (a tied decoder's dense gradient besides the table's) counts as dense.
  const rows = new Map<number, TouchedRows | null>();
  const value = lossAndGradients(model, share.host, spec, (i, g) => {
    rows.set(i, rows.has(i) ? null : (touchedRows(g) ?? null));
    addInto(into[i], g);
  });
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, touched: [...rows].filter((e): e is [number, TouchedRows] => e[1] !== null) };
}
