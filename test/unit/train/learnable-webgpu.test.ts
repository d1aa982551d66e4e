// Training on WebGPU (Dawn; lavapipe in CI after scripts/setup-webgpu.sh). Fails, with
// the reason, when no adapter starts.
import { after } from 'node:test';
import { learnableSuite } from '../suites/learnable';
import { webgpu } from '../suites/backends';

learnableSuite(webgpu);
// Dawn's instance can keep the process alive after the last test.
after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());
