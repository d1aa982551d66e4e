// What the training child says about a run, into the run store: its run events as they are, plus what
// only the host sees (the child's state, data loading, a failure outside the trainer). The palette's
// session and `bertnb train` feed the store through this; a notebook's cell feeds it the kernel's events.
import type { WorkerToHost } from '../../protocol';
import { formatDataProgress } from '../data/progress';
import type { RunStore } from './store';

export function feedStore(store: RunStore, id: string, m: WorkerToHost): void {
  switch (m.type) {
    case 'run':
      store.apply(id, m.event);
      break;
    case 'state':
      if (m.state === 'running' || m.state === 'paused' || m.state === 'stopping') store.setStatus(id, m.state);
      break;
    case 'dataProgress':
      store.note(id, formatDataProgress(m));
      break;
    case 'log':
      if (m.level === 'warn' || m.level === 'error') store.note(id, m.message);
      break;
    case 'error':
      store.fail(id, m.message, m.lastCheckpoint);
      break;
    case 'ready':
    case 'response':
      break;
  }
}
