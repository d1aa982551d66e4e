// `bertnb train CONFIG`: runs the training child process and shows its progress. Ctrl-C stops
// cleanly (no new step or micro-batch starts, a checkpoint of the last complete step is written);
// a second Ctrl-C kills the child.
import { CliError } from '../errors';
import { explainMemoryFailure, MEMORY_ADVICE } from '../../engine/train/memoryErrors';
import { parseVerbFlagsAndFile } from '../args';
import { loadRunConfigWithWarnings, ConfigError } from '../../schema/load';
import { TrainingProcess, type ExitInfo } from '../../worker/client';
import { formatDuration, type RunEvent, type RunRecord, type WorkerToHost } from '../../protocol';
import { formatDataProgress } from '../../engine/data/progress';
import { RunStore } from '../../engine/runs/store';
import { feedStore } from '../../engine/runs/feed';

const HELP = `usage: bertnb train CONFIG [--resume [CHECKPOINT]] [--backend auto|webgpu|wasm|cpu|tensorflow|tensorflow-gpu] [--run-name NAME]

Trains as the YAML/JSON run config says (task, model, data, training: Hugging Face TrainingArguments).
  --resume           continue from the latest checkpoint in output_dir (or the given checkpoint folder)
  --backend NAME     override training.backend
  --run-name NAME    override training.run_name (unset: output folder · model · start time)
  --plain            plain log lines even on a terminal`;

const fmt = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined ? '-' : Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(digits);

/** The progress line's values: a view of the run's record. */
function lineValues(r: RunRecord) {
  const last = r.points.at(-1);
  return {
    loss: fmt(last?.loss),
    lr: fmt(last?.learning_rate, 6),
    sps: fmt(r.samples_per_second, 1),
    eta: formatDuration(r.eta_seconds),
    epoch: r.epoch.toFixed(2),
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseTrainArgs(argv);
  if (!parsed) return 0;
  const { values, file } = parsed;
  const config = await loadConfig(file);
  if (values.backend) config.training.backend = values.backend as never;
  if (values['run-name']) config.training.run_name = values['run-name'];
  const resume = values.resume === undefined ? undefined : values.resume === 'true' ? true : values.resume;

  const tty = !!process.stderr.isTTY && !values.plain;
  const proc = new TrainingProcess();
  const view = new ProgressView(tty);
  let error: string | undefined;
  // The progress line is a view of the run's record in a run store, as the editor's views are.
  const store = new RunStore({ updatesPerSecond: tty ? 4 : 1 });
  const runId = store.begin({
    label: file,
    source: 'cli',
    output_dir: config.training.output_dir,
    stop: () => void proc.stop(),
  }).id;
  let named = false;
  store.onChange((r) => {
    // The name the run resolved at start (the config's, the resumed run's or the default), said once.
    if (!named && r.run_name) {
      named = true;
      view.log(`run_name: ${r.run_name}${r.tags.length ? ` (tags: ${r.tags.join(', ')})` : ''}`);
    }
    view.show(r);
  });
  proc.onMessage((m) => {
    if (m.type === 'error') error = m.message;
    else logChildMessage(m, view.log);
    feedStore(store, runId, m);
  });

  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      view.log('stopping: saving a checkpoint of the last complete step (Ctrl-C again to kill)');
      store.stop(runId);
    } else proc.kill('SIGKILL');
  };
  process.on('SIGINT', onSigint);
  try {
    await proc.start({ backend: config.training.backend });
    proc.startTraining(config, resume);
    const end = await waitForEnd(proc);
    if (end) proc.disconnect();
    const exit = await proc.waitForExit();
    store.dispose();
    view.stop();
    if (end && end.reason !== 'failed') return reportSuccess(end, file);
    if (end?.error) error ??= end.error;
    throw failure(error, exit);
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
    proc.kill();
  }
}

type TrainFlags = { resume?: string; backend?: string; plain?: boolean; 'run-name'?: string };
type EndEvent = Extract<RunEvent, { kind: 'end' }>;

/** The verb's flags and CONFIG file; undefined when --help was answered. */
function parseTrainArgs(argv: string[]): { values: TrainFlags; file: string } | undefined {
  // A bare `--resume` (no checkpoint after it) means "the latest": give parseArgs the explicit value.
  const args = argv.map((a, i) =>
    a === '--resume' && (i === argv.length - 1 || argv[i + 1].startsWith('--')) ? '--resume=true' : a,
  );
  return parseVerbFlagsAndFile(
    'train',
    args,
    {
      resume: { type: 'string' },
      backend: { type: 'string' },
      'run-name': { type: 'string' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
    'CONFIG file',
  );
}

/** The run config, its warnings printed; a bad or missing file becomes a one-line CLI error. */
async function loadConfig(file: string) {
  let loaded;
  try {
    loaded = await loadRunConfigWithWarnings(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`invalid config:\n${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`train: config file not found: ${file}`);
    throw e;
  }
  for (const w of loaded.warnings) console.error(`warning: ${w}`);
  return loaded.config;
}

/** stderr's progress: a bar on a terminal, else a plain line every 10 s (and at the first and last step). */
class ProgressView {
  private bar: import('cli-progress').SingleBar | undefined;
  private lastPlain = 0;
  private lastStep = 0;

  constructor(private readonly tty: boolean) {}

  // With a bar on screen: clear its line, print, and let the next update redraw it.
  readonly log = (text: string) => (this.bar ? process.stderr.write(`\r\x1b[2K${text}\n`) : console.error(text));

  show(r: RunRecord): void {
    if (r.step === 0 || r.status === 'failed' || r.step === this.lastStep) return;
    this.lastStep = r.step;
    const v = lineValues(r);
    if (this.tty) {
      if (!this.bar) {
        // Loaded only when a bar is drawn: plain output does without it.
        const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
        this.bar = new SingleBar(
          {
            format:
              'train |{bar}| {value}/{total} steps | epoch {epoch} | loss {loss} | lr {lr} | {sps} samples/s | ETA {eta}',
            hideCursor: true,
            stream: process.stderr,
            etaBuffer: 20,
          },
          Presets.shades_classic,
        );
        this.bar.start(r.max_steps, r.step, v);
      } else this.bar.update(r.step, v);
    } else if (Date.now() - this.lastPlain > 10_000 || r.step === r.max_steps || r.step === 1) {
      this.lastPlain = Date.now();
      console.error(
        `step ${r.step}/${r.max_steps} epoch ${v.epoch} loss ${v.loss} lr ${v.lr} ${v.sps} samples/s ETA ${v.eta}`,
      );
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** The child's logs, data progress, evals and checkpoints as stderr lines (its errors are kept by the caller). */
function logChildMessage(m: WorkerToHost, log: (text: string) => void): void {
  switch (m.type) {
    case 'log':
      log(m.level === 'warn' || m.level === 'error' ? `${m.level}: ${m.message.replace(/^warning: /, '')}` : m.message);
      break;
    case 'dataProgress':
      log(formatDataProgress(m));
      break;
    case 'run':
      logRunEvent(m.event, log);
      break;
  }
}

function logRunEvent(e: RunEvent, log: (text: string) => void): void {
  if (e.kind === 'log')
    log(e.level === 'warn' || e.level === 'error' ? `${e.level}: ${e.message.replace(/^warning: /, '')}` : e.message);
  if (e.kind === 'eval')
    log(
      `eval @ step ${e.step}: ${Object.entries(e.metrics)
        .map(([k, v]) => `${k}=${fmt(v)}`)
        .join(' ')}`,
    );
  if (e.kind === 'checkpoint') log(`checkpoint saved: ${e.path}`);
}

/** The run ends with its `end` event (then we close the channel) or `error` (the child exits by itself). */
async function waitForEnd(proc: TrainingProcess): Promise<EndEvent | undefined> {
  let end: EndEvent | undefined;
  await new Promise<void>((resolve) => {
    const off = proc.onMessage((m) => {
      if (m.type === 'run' && m.event.kind === 'end') {
        end = m.event;
        off();
        resolve();
      }
    });
    proc.onExit(() => resolve());
  });
  return end;
}

/** A finished or stopped run: where the model is (or how to resume) on stderr, final metrics on stdout. */
function reportSuccess(end: EndEvent, file: string): number {
  const entries = Object.entries(end.metrics);
  console.error(
    end.reason === 'stopped'
      ? `stopped; resume with: bertnb train ${file} --resume`
      : `done: model saved in ${end.output_dir}`,
  );
  if (end.best_model_checkpoint) console.error(`best checkpoint: ${end.best_model_checkpoint}`);
  console.log(`final metrics:\n${entries.map(([k, v]) => `  ${k.padEnd(28)}${fmt(v)}`).join('\n')}`);
  return 0;
}

/** The CLI error for a failed run: the child's own error if it sent one, else how the process died. */
function failure(error: string | undefined, exit: ExitInfo): CliError {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const last = exit.lastCheckpoint ? `; last good checkpoint: ${exit.lastCheckpoint}` : '';
  return new CliError(
    error
      ? `${explainedText(error)}${last}`
      : `training process ended unexpectedly (${how}${exit.signal === 'SIGKILL' ? `; on Linux usually the kernel's out-of-memory killer: ${MEMORY_ADVICE}` : ''})${last}`,
    1,
  );
}

/** A child's error text, translated when it is a raw WebAssembly out-of-memory message. */
function explainedText(text: string): string {
  const x = explainMemoryFailure(new Error(text));
  return x instanceof Error && x.message !== text ? x.message : text;
}
