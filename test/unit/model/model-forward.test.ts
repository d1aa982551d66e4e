// Our tfjs BERT equals a float64 reference BERT (HF equations) on random weights, with padding and
// sentence pairs, on the cpu and wasm backends (with our kernels). Plain-tfjs branches:
// model-forward-plain.test.ts; WebGPU: model-forward-webgpu.test.ts.
import { forwardSuite } from '../suites/forward';
import { cpu, wasm } from '../suites/backends';

forwardSuite(cpu);
forwardSuite(wasm);
