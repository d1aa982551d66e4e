// A run's name, tags and note: bertnb_run.json at the top of the run folder, bertnb's own file (it
// carries `tool: "bertnb"`; a file of that name without it is the user's and is never replaced). The
// trainer writes it when a run starts (run_name resolved: the config's, the resumed run's, or the
// default); "Rename / Tag / Note…" rewrites it later. Every view reads the name from here, so a past
// run reloaded from disk keeps the name it was given.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../train/atomic';
import { defaultRunName } from '../../schema/derived';

export const RUN_INFO_FILE = 'bertnb_run.json';

export interface RunInfoFile {
  run_name: string;
  tags: string[];
  note: string | null;
  /** ISO time the run (first) started. */
  started_at: string | null;
}

/** At most this many tags of at most this many characters each: labels, not documents. */
const MAX_TAGS = 32;
const MAX_TAG = 64;

/** Tags as typed ("a, b  b") -> trimmed, without empties or repeats, in their first order. */
export function normalizeTags(tags: readonly unknown[] | string): string[] {
  const list = typeof tags === 'string' ? tags.split(',') : tags;
  const out: string[] = [];
  for (const t of list) {
    const s = typeof t === 'string' ? t.trim().replace(/\s+/g, ' ').slice(0, MAX_TAG) : '';
    if (s && !out.includes(s)) out.push(s);
  }
  return out.slice(0, MAX_TAGS);
}

/** The file's content as bertnb reads it; undefined when it is absent, unreadable or not bertnb's. */
export function parseRunInfo(text: string): RunInfoFile | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || o.tool !== 'bertnb' || typeof o.run_name !== 'string') return undefined;
  return {
    run_name: o.run_name,
    tags: Array.isArray(o.tags) ? normalizeTags(o.tags) : [],
    note: typeof o.note === 'string' && o.note.trim() ? o.note : null,
    started_at: typeof o.started_at === 'string' ? o.started_at : null,
  };
}

export function readRunInfo(dir: string): RunInfoFile | undefined {
  const file = join(dir, RUN_INFO_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return parseRunInfo(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes the run's info (atomically); refuses a bertnb_run.json that bertnb did not write. */
export function writeRunInfo(dir: string, info: RunInfoFile): void {
  const file = join(dir, RUN_INFO_FILE);
  if (existsSync(file) && !readRunInfo(dir))
    throw new Error(`${file} exists and bertnb did not write it, so it was left as it is`);
  const name = info.run_name.trim();
  if (!name) throw new Error('a run needs a name');
  const body = { tool: 'bertnb', ...info, run_name: name, tags: normalizeTags(info.tags) };
  writeFileAtomic(file, JSON.stringify(body, null, 2) + '\n');
}

/** Changes some of a run's name, tags and note (the rest kept); a run without the file gets one. */
export function editRunInfo(
  dir: string,
  change: Partial<Pick<RunInfoFile, 'run_name' | 'tags' | 'note'>>,
  fallbackName: string,
): RunInfoFile {
  const old = readRunInfo(dir) ?? { run_name: fallbackName, tags: [], note: null, started_at: null };
  const next: RunInfoFile = {
    ...old,
    ...(change.run_name !== undefined ? { run_name: change.run_name.trim() || old.run_name } : {}),
    ...(change.tags !== undefined ? { tags: normalizeTags(change.tags) } : {}),
    ...(change.note !== undefined ? { note: change.note?.trim() ? change.note.trim() : null } : {}),
  };
  writeRunInfo(dir, next);
  return next;
}

/**
 * The info a starting run writes: the config's run_name when set, else the name the run already has
 * (a resumed run, or one renamed since), else the default; the config's tags added to the run's.
 * A fresh run in a folder that held another run starts its own name, tags and note.
 */
export function startRunInfo(
  dir: string,
  c: { model: string; training: { output_dir: string; run_name: string | null; tags?: string[] } },
  resumed: boolean,
  now: Date = new Date(),
): RunInfoFile {
  const old = resumed ? readRunInfo(dir) : undefined;
  const info: RunInfoFile = {
    run_name: c.training.run_name?.trim() || old?.run_name || defaultRunName(c, now),
    tags: normalizeTags([...(old?.tags ?? []), ...(c.training.tags ?? [])]),
    note: old?.note ?? null,
    started_at: old?.started_at ?? now.toISOString(),
  };
  writeRunInfo(dir, info);
  return info;
}

/**
 * The trainer's step at start: writes the run's info and puts the resolved name into the run's
 * config, so run_config.json of every checkpoint and the model card carry it. A folder whose
 * bertnb_run.json is the user's keeps it; the run then goes on under the config's name and says so.
 */
export function nameRunAtStart(
  outputDir: string,
  runConfig: unknown,
  resumed: boolean,
  say: (text: string) => void,
): RunInfoFile | undefined {
  const c = (runConfig ?? {}) as { model?: unknown; training?: Record<string, unknown> };
  const training = c.training ?? {};
  const config = {
    model: typeof c.model === 'string' ? c.model : '',
    training: {
      output_dir: outputDir,
      run_name: typeof training.run_name === 'string' ? training.run_name : null,
      tags: Array.isArray(training.tags) ? training.tags.filter((t): t is string => typeof t === 'string') : [],
    },
  };
  try {
    const info = startRunInfo(outputDir, config, resumed);
    if (c.training) c.training.run_name = info.run_name;
    return info;
  } catch (e) {
    say(`warning: the run's name and tags were not saved: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * A run folder's name, tags and note as every view shows them: bertnb_run.json's; for a run without it
 * (older bertnb runs, Hugging Face runs) the run_config.json's run_name, else the default name from
 * the time the run started (or last wrote, when that is all that is known).
 */
export function describeRunFolder(
  dir: string,
  config: Record<string, unknown> | undefined,
  startedAt: Date | undefined,
): Pick<RunInfoFile, 'run_name' | 'tags' | 'note'> {
  const saved = readRunInfo(dir);
  if (saved) return { run_name: saved.run_name, tags: saved.tags, note: saved.note };
  const training = (config?.training ?? {}) as Record<string, unknown>;
  const tags = Array.isArray(training.tags) ? normalizeTags(training.tags) : [];
  if (typeof training.run_name === 'string' && training.run_name.trim())
    return { run_name: training.run_name.trim(), tags, note: null };
  const model = typeof config?.model === 'string' ? config.model : '';
  const run_name = startedAt ? defaultRunName({ model, training: { output_dir: dir } }, startedAt) : basename(dir);
  return { run_name, tags, note: null };
}
