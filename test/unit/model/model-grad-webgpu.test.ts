// Gradients (finite differences, leaks, attention backward, dropout equal to cpu) on WebGPU (Dawn; lavapipe in CI after scripts/setup-webgpu.sh). Fails, with
// the reason, when no adapter starts.
import { after } from 'node:test';
import { gradSuite, sameAsCpuSuite } from '../suites/grad';
import { cpu, webgpu } from '../suites/backends';

gradSuite(webgpu);
sameAsCpuSuite(webgpu, cpu);
// Dawn's instance can keep the process alive after the last test.
after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());
