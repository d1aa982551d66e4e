// Training children (notebook kernels, palette/monitor runs) at a lower CPU priority than the extension host. Training is
// background work: on a busy machine (2 cores: the child trains on one, the browser draws on the
// other) the editor must still get the CPU the moment it needs it (issue 5: extension host lag p99 <
// 50 ms while a cell trains), while an otherwise idle CPU still goes to training. No vscode import,
// so it is testable in plain Node.
import { setPriority } from 'node:os';
import { TrainingProcess } from '../../worker/client';

/** Nice value of kernel processes (0 = normal, 19 = lowest). */
export const KERNEL_NICE = 10;

export class BackgroundTrainingProcess extends TrainingProcess {
  override start(opts?: Parameters<TrainingProcess['start']>[0]): ReturnType<TrainingProcess['start']> {
    const ready = super.start(opts);
    // Linux sets the priority of the main thread, the one that computes (tfjs wasm runs there).
    try {
      if (this.pid) setPriority(this.pid, KERNEL_NICE);
    } catch {
      // Not allowed on this system: the kernel just runs at normal priority.
    }
    return ready;
  }
}
