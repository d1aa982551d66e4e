// Training on WebGPU (Dawn; lavapipe in CI after scripts/setup-webgpu.sh). Fails, with
// the reason, when no adapter starts.
import { learnableSuite } from '../suites/learnable';
import { webgpu } from '../suites/backends';

learnableSuite(webgpu);
