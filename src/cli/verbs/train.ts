// `bertnb train CONFIG`: runs the training child process and shows its progress. Ctrl-C stops
// cleanly (no new step or micro-batch starts, a checkpoint of the last complete step is written);
// a second Ctrl-C kills the child.
import { CliError } from '../errors';
import { explainMemoryFailure, MEMORY_ADVICE } from '../../engine/train/memoryErrors';
import { parseVerbFlagsAndFile } from '../args';
import { loadRunConfigWithWarnings, ConfigError } from '../../schema/load';
import { TrainingProcess } from '../../worker/client';
import type { WorkerToHost } from '../../protocol';
import { formatDataProgress } from '../../engine/data/progress';

const HELP = `usage: bertnb train CONFIG [--resume [CHECKPOINT]] [--backend auto|webgpu|wasm|cpu|tensorflow|tensorflow-gpu]

Trains as the YAML/JSON run config says (task, model, data, training: Hugging Face TrainingArguments).
  --resume           continue from the latest checkpoint in output_dir (or the given checkpoint folder)
  --backend NAME     override training.backend
  --plain            plain log lines even on a terminal`;

const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? '-' : Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(digits));
function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

export async function run(argv: string[]): Promise<number> {
  // A bare `--resume` (no checkpoint after it) means "the latest": give parseArgs the explicit value.
  const args = argv.map((a, i) => (a === '--resume' && (i === argv.length - 1 || argv[i + 1].startsWith('--')) ? '--resume=true' : a));
  const parsed = parseVerbFlagsAndFile('train', args, { resume: { type: 'string' }, backend: { type: 'string' }, plain: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, HELP, 'CONFIG file');
  if (!parsed) return 0;
  const { values, file } = parsed;
  let loaded;
  try {
    loaded = await loadRunConfigWithWarnings(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`invalid config:\n${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`train: config file not found: ${file}`);
    throw e;
  }
  for (const w of loaded.warnings) console.error(`warning: ${w}`);
  const config = loaded.config;
  if (values.backend) config.training.backend = values.backend as never;
  const resume = values.resume === undefined ? undefined : values.resume === 'true' ? true : values.resume;

  const tty = !!process.stderr.isTTY && !values.plain;
  const proc = new TrainingProcess();
  let bar: import('cli-progress').SingleBar | undefined;
  let lastPlain = 0;
  let done: WorkerToHost | undefined;
  let error: string | undefined;
  // With a bar on screen: clear its line, print, and let the next update redraw it.
  const log = (text: string) => (bar ? process.stderr.write(`\r\x1b[2K${text}\n`) : console.error(text));

  proc.onMessage((m) => {
    switch (m.type) {
      case 'log':
        log(m.level === 'warn' || m.level === 'error' ? `${m.level}: ${m.message.replace(/^warning: /, '')}` : m.message);
        break;
      case 'dataProgress':
        log(formatDataProgress(m));
        break;
      case 'progress': {
        const payload = { loss: fmt(m.loss), lr: fmt(m.learningRate, 6), sps: fmt(m.samplesPerSecond, 1), eta: duration(m.etaSeconds), epoch: m.epoch.toFixed(2) };
        if (tty) {
          if (!bar) {
            const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
            bar = new SingleBar(
              { format: 'train |{bar}| {value}/{total} steps | epoch {epoch} | loss {loss} | lr {lr} | {sps} samples/s | ETA {eta}', hideCursor: true, stream: process.stderr, etaBuffer: 20 },
              Presets.shades_classic,
            );
            bar.start(m.maxSteps, m.step, payload);
          } else bar.update(m.step, payload);
        } else if (Date.now() - lastPlain > 10_000 || m.step === m.maxSteps || m.step === 1) {
          lastPlain = Date.now();
          console.error(`step ${m.step}/${m.maxSteps} epoch ${payload.epoch} loss ${payload.loss} lr ${payload.lr} ${payload.sps} samples/s ETA ${payload.eta}`);
        }
        break;
      }
      case 'eval':
        log(`eval @ step ${m.step}: ${Object.entries(m.metrics).map(([k, v]) => `${k}=${fmt(v)}`).join(' ')}`);
        break;
      case 'checkpoint':
        log(`checkpoint saved: ${m.path}`);
        break;
      case 'done':
        done = m;
        break;
      case 'error':
        error = m.message;
        break;
    }
  });

  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      log('stopping: saving a checkpoint of the last complete step (Ctrl-C again to kill)');
      void proc.stop();
    } else proc.kill('SIGKILL');
  };
  process.on('SIGINT', onSigint);
  try {
    await proc.start({ backend: config.training.backend });
    proc.startTraining(config, resume);
    // The run ends with `done` (then we close the channel) or `error` (the child exits by itself).
    await new Promise<void>((resolve) => {
      const off = proc.onMessage((m) => {
        if (m.type === 'done') {
          off();
          resolve();
        }
      });
      proc.onExit(() => resolve());
    });
    if (done) proc.disconnect();
    const exit = await proc.waitForExit();
    bar?.stop();
    if (done && done.type === 'done') {
      const entries = Object.entries(done.metrics);
      console.error(done.stopped ? `stopped; resume with: bertnb train ${file} --resume` : `done: model saved in ${done.outputDir}`);
      if (done.bestCheckpoint) console.error(`best checkpoint: ${done.bestCheckpoint}`);
      console.log(`final metrics:\n${entries.map(([k, v]) => `  ${k.padEnd(28)}${fmt(v)}`).join('\n')}`);
      return 0;
    }
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    const last = exit.lastCheckpoint ? `; last good checkpoint: ${exit.lastCheckpoint}` : '';
    throw new CliError(error ? `${explainedText(error)}${last}` : `training process ended unexpectedly (${how}${exit.signal === 'SIGKILL' ? `; on Linux usually the kernel's out-of-memory killer: ${MEMORY_ADVICE}` : ''})${last}`, 1);
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
    proc.kill();
  }
}

/** A child's error text, translated when it is a raw WebAssembly out-of-memory message. */
function explainedText(text: string): string {
  const x = explainMemoryFailure(new Error(text));
  return x instanceof Error && x.message !== text ? x.message : text;
}
