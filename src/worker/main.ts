// The training child process (forked by TrainingProcess in ./client.ts). Speaks src/protocol over
// Node IPC; every incoming message is validated before use. `stop` (or SIGINT/SIGTERM, or the host
// going away) stops before the next step or micro-batch, saves a checkpoint of the last complete
// step, sends the run's `end` event (reason stopped) and exits 0.
import {
  parseHostToWorker,
  toHost,
  type OpRequest,
  type TrainArgs,
  type WorkerToHost,
  type WorkerState,
} from '../protocol';
import { initBackend } from '../engine/model';
import { runOp, type KernelState, type OpContext } from './ops';
import { explainMemoryFailure } from '../engine/train/memoryErrors';

if (!process.send) {
  console.error('bertnb worker: must be started by the host with an IPC channel (child_process.fork)');
  process.exit(2);
}

let lastCheckpoint: string | null = null;
let state: WorkerState = 'idle';
let running = 0;
const stopController = new AbortController();
const requests = new Map<number, AbortController>();
let pauseGate: { promise: Promise<void>; release: () => void } | undefined;
/** This process's kernel state (one per notebook): the %model cell's model for the cells after it. */
const kernelState: KernelState = {};

function send(msg: WorkerToHost): void {
  if (msg.type === 'run' && msg.event.kind === 'checkpoint') lastCheckpoint = msg.event.path;
  // With a callback, a send that loses the race with the host's disconnect reports to it instead of
  // raising an 'error' event nobody handles (which, rethrown by emscripten's uncaughtException
  // handler, ended the worker with exit code 7).
  if (process.connected) process.send!(msg, undefined, {}, ignoreSendError);
}

function ignoreSendError(): void {
  // The host is gone: there is nobody left to tell.
}

function setState(s: WorkerState): void {
  state = s;
  send(toHost('state', { state: s }));
}

/** Exits once queued IPC messages are flushed (process.send is asynchronous). */
function exitAfterFlush(code: number): void {
  if (!process.connected) process.exit(code);
  process.send!(toHost('state', { state: 'idle' }), () => process.exit(code));
  setTimeout(() => process.exit(code), 2000).unref();
}

const waitWhilePaused = (): Promise<void> => pauseGate?.promise ?? Promise.resolve();

function context(signal: AbortSignal): OpContext {
  return { send, signal, waitWhilePaused, state: kernelState };
}

function requestStop(): void {
  if (state === 'stopping') return;
  stopController.abort();
  pauseGate?.release();
  pauseGate = undefined;
  if (running === 0) exitAfterFlush(0);
  else setState('stopping');
}

/** The palette's `start`: the same train op a notebook's %train requests, answered by its run events. */
async function startRun(args: TrainArgs): Promise<void> {
  running++;
  setState('running');
  try {
    const r = await runOp('train', args, context(stopController.signal));
    lastCheckpoint = r.lastCheckpoint ?? lastCheckpoint;
    running--;
    if (stopController.signal.aborted) exitAfterFlush(0);
    else setState('idle');
  } catch (e) {
    running--;
    const x = explainMemoryFailure(e);
    const err = x instanceof Error ? x : new Error(String(x));
    send(toHost('error', { message: err.message, lastCheckpoint, stack: err.stack }));
    exitAfterFlush(1);
  }
}

/** The op a request names, with its own arguments (a switch, so each pair is type-checked as it is). */
function dispatch(req: OpRequest, ctx: OpContext): Promise<unknown> {
  switch (req.op) {
    case 'train':
      return runOp('train', req.args, ctx);
    case 'evaluate':
      return runOp('evaluate', req.args, ctx);
    case 'predict':
      return runOp('predict', req.args, ctx);
    case 'predictFile':
      return runOp('predictFile', req.args, ctx);
    case 'model':
      return runOp('model', req.args, ctx);
    case 'tokenize':
      return runOp('tokenize', req.args, ctx);
    case 'data':
      return runOp('data', req.args, ctx);
    case 'export':
      return runOp('export', req.args, ctx);
  }
}

async function answer(req: OpRequest): Promise<void> {
  const id = req.id;
  const ac = new AbortController();
  requests.set(id, ac);
  const onStop = () => ac.abort();
  stopController.signal.addEventListener('abort', onStop);
  running++;
  try {
    const result = await dispatch(req, context(ac.signal));
    send(toHost('response', { id, ok: true, result }));
  } catch (e) {
    const x = explainMemoryFailure(e);
    send(toHost('response', { id, ok: false, error: x instanceof Error ? x.message : String(x) }));
  } finally {
    running--;
    requests.delete(id);
    stopController.signal.removeEventListener('abort', onStop);
    if (stopController.signal.aborted && running === 0) exitAfterFlush(0);
  }
}

process.on('message', (raw: unknown) => {
  const parsed = parseHostToWorker(raw);
  if (!parsed.ok) {
    send(toHost('log', { level: 'warn', message: `ignored a malformed message: ${parsed.reason}` }));
    return;
  }
  const m = parsed.message;
  switch (m.type) {
    case 'start':
      if (running > 0) send(toHost('log', { level: 'warn', message: 'a run is already in progress; start ignored' }));
      else
        void startRun({
          config: m.config,
          ...(m.resumeFromCheckpoint !== undefined ? { resumeFromCheckpoint: m.resumeFromCheckpoint } : {}),
        });
      break;
    case 'stop':
      requestStop();
      break;
    case 'pause':
      if (!pauseGate && state === 'running') {
        let release!: () => void;
        const promise = new Promise<void>((r) => (release = r));
        pauseGate = { promise, release };
        setState('paused');
      }
      break;
    case 'resume':
      if (pauseGate) {
        pauseGate.release();
        pauseGate = undefined;
        setState('running');
      }
      break;
    case 'request':
      void answer(m);
      break;
    case 'cancel':
      requests.get(m.id)?.abort();
      break;
  }
});

// Ctrl-C in a terminal reaches the whole process group; the host going away must not lose work.
process.on('SIGINT', requestStop);
process.on('SIGTERM', requestStop);
process.on('disconnect', requestStop);

initBackend(process.env.BERTNB_BACKEND ?? 'auto').then(
  (b) => send(toHost('ready', { backend: { name: b.name, reason: b.reason }, pid: process.pid })),
  (e: unknown) => {
    send(
      toHost('error', { message: `no backend: ${e instanceof Error ? e.message : String(e)}`, lastCheckpoint: null }),
    );
    exitAfterFlush(1);
  },
);
