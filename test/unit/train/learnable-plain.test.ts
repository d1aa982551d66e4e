// Training on the "no custom kernels" backend (cpu kernels, none of ours): the branches
// tfjs-node, tfjs-node-gpu and webgpu take.
import { learnableSuite } from '../suites/learnable';
import { plain } from '../suites/backends';

learnableSuite(plain);
