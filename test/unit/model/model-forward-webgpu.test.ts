// The forward numerics on WebGPU (Dawn; lavapipe in CI after scripts/setup-webgpu.sh). Fails, with
// the reason, when no adapter starts.
import { forwardSuite } from '../suites/forward';
import { webgpu } from '../suites/backends';

forwardSuite(webgpu);
