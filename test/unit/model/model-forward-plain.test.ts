// The forward numerics on the "no custom kernels" backend (cpu kernels, none of ours): the branches
// tfjs-node, tfjs-node-gpu and webgpu take.
import { forwardSuite } from '../suites/forward';
import { plain } from '../suites/backends';

forwardSuite(plain);
