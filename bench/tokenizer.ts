// Tokenizer throughput on the same job (read lines -> encode -> write JSONL) and the same input,
// against Hugging Face's Rust tokenizers (@anush008/tokenizers, encodeBatch on chunks) and
// @huggingface/tokenizers (pure JS), measured in this run; plus peak memory at 5 MB vs 50 MB of
// input (the job streams, so memory must not grow with input size).
// Each run is a child process (this file with --job) so that its peak memory is its own.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { printRows, type BenchRow } from './types';
import { BertTokenizer, bundledVocabPath, tokenizeStream } from '../src/engine/tokenizer';
import { buildOracle } from '../test/parity/oracle';
import { corpusLine, corpusSources, rng } from '../test/parity/corpus';

type Impl = 'ours' | 'rust' | 'hfjs';
interface Run {
  seconds: number;
  cpuSeconds: number;
  tokens: number;
  maxRssMB: number;
}

const SELF = __filename;
const NAMES: Record<Impl, string> = {
  ours: 'bertnb',
  rust: 'HF tokenizers (Rust)',
  hfjs: '@huggingface/tokenizers (JS)',
};

function job(impl: Impl, vocab: string, input: string, dir: string): Run {
  // The JSONL goes to stdout redirected to a file, as `bertnb tokenize > out.jsonl` runs: Node writes
  // to a file descriptor synchronously, so no implementation's memory includes a write queue.
  const fd = openSync(join(dir, `${impl}.jsonl`), 'w');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--job', impl, vocab, input], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', fd, 'pipe'],
    });
    if (r.status !== 0) throw new Error(`${impl} job failed: ${r.stderr}`);
    return JSON.parse(r.stderr.trim().split('\n').pop()!) as Run;
  } finally {
    closeSync(fd);
  }
}

const CLI = join(__dirname, '..', 'dist', 'cli.js');

/** Peak RSS of `node dist/cli.js tokenize --vocab V < input > out`, reported by the process itself on exit. */
function cliJob(vocab: string, input: string, dir: string): { maxRssMB: number } {
  const inFd = openSync(input, 'r');
  const outFd = openSync(join(dir, 'cli.jsonl'), 'w');
  try {
    const report = `process.on('exit', () => console.error(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }))); process.argv.splice(1, 0, ${JSON.stringify(CLI)}); require(${JSON.stringify(CLI)});`;
    const r = spawnSync(process.execPath, ['-e', report, 'tokenize', '--vocab', vocab], {
      encoding: 'utf8',
      stdio: [inFd, outFd, 'pipe'],
    });
    if (r.status !== 0) throw new Error(`bertnb tokenize failed: ${r.stderr}`);
    return JSON.parse(r.stderr.trim().split('\n').pop()!) as { maxRssMB: number };
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
}

function makeCorpus(
  file: string,
  bytes: number,
  flavours: number[] | undefined,
  seed: number,
  vocab: readonly string[],
): void {
  const src = corpusSources(vocab);
  const r = rng(seed);
  const lines: string[] = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const line = corpusLine(r, src, flavours ? flavours[k % flavours.length] : undefined).replace(/[\r\n]/g, ' ');
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

export async function bench(): Promise<BenchRow[]> {
  const vocab = bundledVocabPath();
  const tokens = readFileSync(vocab, 'utf8').split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-tokbench-'));
  const rows: BenchRow[] = [];
  try {
    const corpora = [
      { name: 'English prose', file: join(dir, 'english.txt'), flavours: [0, 1, 3] },
      {
        name: 'mixed corpus (code, URLs, CJK, emoji, random Unicode)',
        file: join(dir, 'mixed.txt'),
        flavours: undefined,
      },
    ];
    for (const c of corpora) {
      makeCorpus(c.file, 3_000_000, c.flavours, 42, tokens);
      // Interleaved rounds, best of each: on a shared machine the load changes from run to run,
      // so every implementation gets the same chances at a quiet moment.
      const runs = {} as Record<'ours' | 'rust' | 'hfjs', Run>;
      for (let round = 0; round < 3; round++) {
        for (const impl of ['ours', 'rust', 'hfjs'] as const) {
          const r = job(impl, vocab, c.file, dir);
          if (!runs[impl] || r.seconds < runs[impl].seconds) runs[impl] = r;
        }
      }
      // Same input, same token count (ours, checked equal to the Rust oracle's): rate = tokens / seconds.
      const rate = (r: Run) => runs.ours.tokens / r.seconds;
      if (runs.rust.tokens !== runs.ours.tokens)
        throw new Error(`token counts differ: ours ${runs.ours.tokens}, Rust ${runs.rust.tokens}`);
      const faster: Impl = rate(runs.rust) >= rate(runs.hfjs) ? 'rust' : 'hfjs';
      rows.push({
        area: 'tokenizer',
        figure: `tokenize -> JSONL, ${c.name} (${(runs.ours.tokens / 1e6).toFixed(2)} M tokens)`,
        value: rate(runs.ours),
        unit: 'tokens/s',
        peer: `faster of Rust/JS peers: ${NAMES[faster]}`,
        peerValue: rate(runs[faster]),
        ratio: rate(runs.ours) / rate(runs[faster]),
        target: '>= 3',
      });
      for (const impl of ['rust', 'hfjs'] as const) {
        rows.push({
          area: 'tokenizer',
          figure: `  same job vs ${NAMES[impl]} (${c.name.split(' (')[0]})`,
          value: rate(runs.ours),
          unit: 'tokens/s',
          peer: NAMES[impl],
          peerValue: rate(runs[impl]),
          ratio: rate(runs.ours) / rate(runs[impl]),
        });
      }
      for (const impl of ['rust', 'hfjs'] as const) {
        rows.push({
          area: 'tokenizer',
          figure: `  tokens per CPU-second (all threads) vs ${NAMES[impl]}, ${c.name.split(' (')[0]}`,
          value: runs.ours.tokens / runs.ours.cpuSeconds,
          unit: 'tokens/cpu-s',
          peer: NAMES[impl],
          peerValue: runs.ours.tokens / runs[impl].cpuSeconds,
          ratio: runs[impl].cpuSeconds / runs.ours.cpuSeconds,
        });
      }
    }

    // Memory: the same job on 5 MB and on 50 MB of input.
    const small = join(dir, 'small.txt');
    const large = join(dir, 'large.txt');
    makeCorpus(small, 5_000_000, undefined, 7, tokens);
    const text = readFileSync(small);
    writeFileSync(large, '');
    for (let k = 0; k < 10; k++) appendFileSync(large, text);
    // Measured on the built CLI (`bertnb tokenize < in > out.jsonl`), what a person runs: the tsx
    // runner of the throughput jobs adds its own ~40 MB and GC noise to the memory figure.
    const m5 = cliJob(vocab, small, dir);
    const m50 = cliJob(vocab, large, dir);
    rows.push({
      area: 'tokenizer',
      figure: 'peak RSS of bertnb tokenize, 50 MB input (vs 5 MB: streaming, no growth)',
      value: m50.maxRssMB,
      unit: 'MB',
      peer: 'same job, 5 MB input',
      peerValue: m5.maxRssMB,
      ratio: m5.maxRssMB / m50.maxRssMB,
      target: '>= 0.8 (~1)',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

// ---- the job itself, run in a child: prints { seconds, cpuSeconds, tokens, maxRssMB } ----

async function write(out: Writable, s: string) {
  if (!out.write(s)) await once(out, 'drain');
}

async function ours(vocab: string, input: string, out: Writable): Promise<number> {
  const tok = await BertTokenizer.load(vocab);
  const start = startClock();
  const { tokens } = await tokenizeStream(tok, createReadStream(input, { highWaterMark: 1 << 20 }), out);
  return finish(out, start, tokens);
}

/** Rust tokenizers: its fastest honest path is encodeBatch (multi-threaded) on chunks of lines. */
async function rust(vocab: string, input: string, out: Writable): Promise<number> {
  const tok = buildOracle(vocab, { lowercase: true });
  const start = startClock();
  let tokens = 0;
  let batch: string[] = [];
  const flush = async () => {
    const encodings = await tok.encodeBatch(batch);
    let s = '';
    for (const e of encodings) {
      const ids = e.getIds();
      tokens += ids.length;
      s +=
        JSON.stringify({
          input_ids: ids,
          token_type_ids: e.getTypeIds(),
          attention_mask: e.getAttentionMask(),
          tokens: e.getTokens(),
          offsets: e.getOffsets(),
        }) + '\n';
    }
    await write(out, s);
    batch = [];
  };
  for await (const line of createInterface({
    input: createReadStream(input, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  })) {
    batch.push(line);
    if (batch.length === 4096) await flush();
  }
  if (batch.length > 0) await flush();
  return finish(out, start, tokens);
}

/** @huggingface/tokenizers (pure JS) from the tokenizer.json + tokenizer_config.json our save() writes. It has no offsets. */
async function hfjs(vocab: string, input: string, out: Writable): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-bench-'));
  await (await BertTokenizer.load(vocab)).save(dir);
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const tok = new Tokenizer(
    JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')),
  );
  const start = startClock();
  let tokens = 0;
  let s = '';
  for await (const line of createInterface({
    input: createReadStream(input, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  })) {
    const e = tok.encode(line, { return_token_type_ids: true });
    tokens += e.ids.length;
    s +=
      JSON.stringify({
        input_ids: e.ids,
        token_type_ids: e.token_type_ids,
        attention_mask: e.attention_mask,
        tokens: e.tokens,
      }) + '\n';
    if (s.length >= 1 << 20) {
      await write(out, s);
      s = '';
    }
  }
  await write(out, s);
  return finish(out, start, tokens);
}

let cpuAtStart = process.cpuUsage();
function startClock(): bigint {
  cpuAtStart = process.cpuUsage();
  return process.hrtime.bigint();
}
async function finish(out: Writable, start: bigint, tokens: number): Promise<number> {
  // stdout on a file is written synchronously: everything is on disk already (and stdout cannot be ended).
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  console.error(
    JSON.stringify({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      tokens,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  return tokens;
}

if (require.main === module) {
  const [flag, which, vocab, input] = process.argv.slice(2);
  const impl = { ours, rust, hfjs }[which as Impl];
  if (flag !== '--job' || !impl || !vocab || !input) {
    bench().then((rows) => printRows(rows));
  } else {
    impl(vocab, input, process.stdout).catch((e) => {
      console.error(e);
      process.exit(1);
    });
  }
}
