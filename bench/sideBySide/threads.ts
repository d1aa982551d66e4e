// How many threads bertnb trained with, so that PyTorch gets the same number. Read from what the run
// itself said when it says a number; otherwise from the schema: a `training` field that sets the
// thread count means its default applies, no such field means the single-threaded engine.
import { availableParallelism } from 'node:os';
import { trainingFields } from '../../src/schema/fields';

export interface ThreadCount {
  threads: number;
  /** Where the number comes from, for the bench's log. */
  source: string;
}

/** The training field that sets bertnb's thread count, when the schema has one (e.g. num_threads). */
export function threadField(): { name: string; default: unknown } | undefined {
  const entry = Object.entries(trainingFields).find(([k]) => /(^|_)threads$/.test(k));
  return entry && { name: entry[0], default: (entry[1] as { default?: unknown }).default };
}

/** True when the schema has HF's gradient_checkpointing field (the bench then adds its row). */
export function hasGradientCheckpointing(): boolean {
  return 'gradient_checkpointing' in trainingFields;
}

/** A count the run states in digits: "2 threads", "4 worker threads", "threads: 4", "2 workers". */
function statedCount(messages: string[]): number | undefined {
  const patterns = [/\b(\d+)\s+(?:[a-z-]+\s+)?threads?\b/i, /\bthreads?\s*[:=]\s*(\d+)/i, /\b(\d+)\s+workers?\b/i];
  for (const m of messages) {
    for (const p of patterns) {
      const hit = m.match(p);
      if (hit && Number(hit[1]) > 0) return Number(hit[1]);
    }
  }
  return undefined;
}

/**
 * messages: the run's info messages (may be empty when it failed early); configured: the value the
 * bench put in the thread field, if any.
 */
export function resolveThreads(messages: string[], configured?: number): ThreadCount {
  const stated = statedCount(messages);
  if (stated !== undefined) return { threads: stated, source: 'as the run reported' };
  const field = threadField();
  if (field) {
    if (configured !== undefined) return { threads: configured, source: `training.${field.name} set by BENCH_THREADS` };
    const d = typeof field.default === 'number' && field.default > 0 ? field.default : availableParallelism();
    return { threads: d, source: `training.${field.name}'s default` };
  }
  const saysOne = messages.some((m) => /\bone thread\b|\bsingle[- ]thread/i.test(m));
  return {
    threads: 1,
    source: saysOne ? 'as the run reported (one thread)' : 'no thread setting in the schema: one thread',
  };
}
