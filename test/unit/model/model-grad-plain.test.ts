// Gradients (finite differences, leaks, attention backward, dropout equal to cpu) on the "no custom kernels" backend (cpu kernels, none of ours): the branches
// tfjs-node, tfjs-node-gpu and webgpu take.
import { gradSuite, sameAsCpuSuite } from '../suites/grad';
import { cpu, plain } from '../suites/backends';

gradSuite(plain);
sameAsCpuSuite(plain, cpu);
