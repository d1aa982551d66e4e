// Profile of a data-parallel training step: bert-mini, MLM, batch 32 x 64.
import { availableParallelism, loadavg } from 'node:os';
import { builtinConfig, createModel, initBackend } from '../src/engine/model';
import { collateHost } from '../src/engine/train/tensors';
import { Rng, mixSeed } from '../src/engine/train/rng';
import { HostAdamW } from '../src/engine/train/hostAdamW';
import { readWeights } from '../src/engine/train/hostTensors';
import { ParallelGradientEngine } from '../src/engine/train/parallel/engine';
import { LocalGradientEngine } from '../src/engine/train/localEngine';

import { readdirSync, readFileSync } from 'node:fs';
/** CPU seconds per OS thread of this process (Linux /proc; utime+stime at 100 Hz). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.set(tid + ':' + st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')), (Number(f[11]) + Number(f[12])) / 100);
    } catch {}
  }
  return out;
}
const B = 32, T = 64, STEPS = Number(process.env.STEPS ?? 5);
const threads = Number(process.argv[2] ?? 2);
const kind = (process.env.KIND ?? 'mlm') as 'mlm' | 'classification';
(async () => {
  await initBackend('wasm');
  const config = builtinConfig('bert-mini', { num_labels: 2 });
  const model = createModel(kind === 'mlm' ? 'masked-lm' : 'sequence-classification', config, { seed: 1 }) as any;
  const rng = new Rng(7);
  const rows = Array.from({ length: B * (STEPS + 1) }, () => {
    const len = 16 + rng.int(T - 16);
    const ids = Int32Array.from({ length: len }, (_, i) => (i === 0 ? 101 : i === len - 1 ? 102 : 1000 + rng.int(config.vocab_size - 1000)));
    return { input_ids: ids, token_type_ids: new Int32Array(len), label: rng.int(2), fullLength: len };
  });
  const mask = { mlmProbability: 0.15, maskTokenId: 103, vocabSize: config.vocab_size, specialIds: new Set([0, 100, 101, 102, 103]) };
  const local = process.env.LOCAL === '1';
  const engine: any = local ? new LocalGradientEngine(model, kind, false) : await ParallelGradientEngine.create({ model, kind, threads });
  const weights = readWeights(model.variables);
  const opt = new HostAdamW(model.variables.map((v: any) => ({ name: v.name, shape: v.variable.shape })), weights, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  let tAcc = 0, tOpt = 0, tUp = 0, tData = 0;
  const cpu0 = process.cpuUsage();
  let thr0 = new Map<string, number>(); let t0all = 0; let cpuM = process.cpuUsage();
  for (let s = 0; s <= STEPS; s++) {
    if (s === 1) { thr0 = threadCpu(); cpuM = process.cpuUsage(); t0all = performance.now(); tAcc = tOpt = tUp = tData = 0; if (engine.profile) for (const k of Object.keys(engine.profile)) engine.profile[k] = 0; }
    const a = performance.now();
    const host = collateHost(rows.slice(s * B, (s + 1) * B), kind, 0, 'single_label_classification', 2, mask, new Rng(mixSeed(1, s)));
    const b = performance.now();
    await engine.accumulate({ host, scale: 1, dropoutSeed: s }, opt.grads);
    const c = performance.now();
    if (engine.optimizerStep) await engine.optimizerStep(opt, 1e-4, 1);
    else { const { scale } = opt.clipFactor(1); opt.apply(1e-4, scale); opt.zeroGrads(); }
    const d = performance.now();
    await engine.loadParameters(opt.weights);
    const e = performance.now();
    tData += b - a; tAcc += c - b; tOpt += d - c; tUp += e - d;
  }
  const wall = (performance.now() - t0all) / 1000;
  const thr1 = threadCpu();
  const perThread = [...thr1].map(([k, v]) => [k, (v - (thr0.get(k) ?? 0)) / STEPS] as const).filter(([, v]) => v > 0.02).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v.toFixed(2)}`);
  const cpu = process.cpuUsage(cpu0); const cm = process.cpuUsage(cpuM);
  const per = (x: number) => (x / 1000 / STEPS).toFixed(3);
  console.log(JSON.stringify({ kind, threads: local ? 'local' : threads, cores: availableParallelism(), load: loadavg()[0].toFixed(1), s_per_step: (wall / STEPS).toFixed(3), data: per(tData), accumulate: per(tAcc), optimizer: per(tOpt), upload: per(tUp), cpu_user_s_total: (cpu.user / 1e6).toFixed(1), cpu_s_per_step: ((cm.user + cm.system) / 1e6 / STEPS).toFixed(3),
    thread_cpu_s_per_step: perThread.join(' '), profile: engine.profile ? Object.fromEntries(Object.entries(engine.profile).map(([k, v]) => [k, k === 'microBatches' ? v : ((v as number) / STEPS).toFixed(3)])) : undefined }));
  await engine.dispose();
})();
