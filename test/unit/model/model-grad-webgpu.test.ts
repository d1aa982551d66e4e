// Gradients (finite differences, leaks, attention backward, dropout equal to cpu) on WebGPU (Dawn; lavapipe in CI after scripts/setup-webgpu.sh). Fails, with
// the reason, when no adapter starts.
import { gradSuite, sameAsCpuSuite } from '../suites/grad';
import { cpu, webgpu } from '../suites/backends';

gradSuite(webgpu);
sameAsCpuSuite(webgpu, cpu);
