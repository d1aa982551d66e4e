// The single-thread GradientEngine: gradients computed in this thread's tfjs backend (wasm or cpu),
// each weight's gradient added into the host arrays as soon as the backward pass produces it.
import type { GradientEngine, MicroBatch } from './gradientEngine';
import { lossAndGradients, type LossModel } from './backward';
import { writeWeights } from './hostTensors';
import { sumAdder, type OptimizerWasm } from './optimizerMemory';
import type { TrainKind } from './tensors';

export class LocalGradientEngine implements GradientEngine {
  constructor(
    private readonly model: LossModel,
    private readonly kind: TrainKind,
    private readonly gradientCheckpointing: boolean,
  ) {}

  async accumulate(batch: MicroBatch, into: Float32Array[], layout?: OptimizerWasm): Promise<number> {
    const spec = {
      kind: this.kind,
      scale: batch.scale,
      dropoutSeed: batch.dropoutSeed,
      gradientCheckpointing: this.gradientCheckpointing,
      rowsPerPass: batch.rowsPerPass,
    };
    const value = lossAndGradients(this.model, batch.host, spec, sumAdder(into, layout, 0));
    const loss = (await value.data())[0];
    value.dispose();
    return loss;
  }

  async loadParameters(params: Float32Array[]): Promise<void> {
    writeWeights(this.model.variables, params);
  }

  async dispose(): Promise<void> {}
}
