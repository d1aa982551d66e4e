// Training-data preparation at scale: a ~200 MB CSV (generated here, in a temp folder) read,
// checked, cleaned and tokenized as training does (prepareData), in a child process of its own so
// that its peak RSS is its own. Memory is set against 3x the bytes of the token ids it keeps,
// throughput against the tokenizer's own tokens/s on the same texts, measured in the same run.
// BENCH_DATA_MB sets another size (the figure is 200 MB).
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printRows, type BenchRow } from './types';
import { BertTokenizer, bundledVocabPath } from '../src/engine/tokenizer';
import { TokenBuffer } from '../src/engine/tokenizer/pipeline';
import { lineBatches } from '../src/engine/tokenizer/lines';
import { prepareData } from '../src/engine/data';
import { corpusLine, corpusSources, rng } from '../test/parity/corpus';

const SELF = __filename;
const MAX_LENGTH = 128;
const LABELS = ['negative', 'neutral', 'positive'];

interface JobResult {
  seconds: number;
  /** User + system CPU seconds of the job's own work (all threads: GC helpers included). */
  cpuSeconds: number;
  tokens: number;
  idBytes?: number;
  rows: number;
  maxRssMB: number;
}

/** A CSV of prose rows (text, label) and the same texts one per line, about `bytes` big. */
export function makeFiles(csv: string, txt: string, bytes: number, vocab: readonly string[]): void {
  const src = corpusSources(vocab);
  const r = rng(12);
  const csvFd = openSync(csv, 'w');
  const txtFd = openSync(txt, 'w');
  try {
    writeSync(csvFd, 'text,label\n');
    let size = 0;
    let csvPart: string[] = [];
    let txtPart: string[] = [];
    const flush = () => {
      writeSync(csvFd, csvPart.join(''));
      writeSync(txtFd, txtPart.join(''));
      csvPart = [];
      txtPart = [];
    };
    for (let k = 0; size < bytes; k++) {
      // Review-sized texts: one English prose line, cut to at most 300 characters.
      const text =
        corpusLine(r, src, [0, 1, 3][k % 3])
          .replace(/[\r\n]/g, ' ')
          .slice(0, 300)
          .trim() || 'empty';
      // Quoted only when it must be, as pandas' to_csv and most exports write CSV.
      const field = /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      const row = `${field},${LABELS[k % 3]}\n`;
      csvPart.push(row);
      txtPart.push(`${text}\n`);
      size += Buffer.byteLength(row);
      if (csvPart.length === 10_000) flush();
    }
    flush();
  } finally {
    closeSync(csvFd);
    closeSync(txtFd);
  }
}

function runJob(kind: 'prepare' | 'tokenize', file: string): JobResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--job', kind, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 22,
  });
  if (r.status !== 0) throw new Error(`${kind} job failed: ${r.stderr}`);
  return JSON.parse(r.stderr.trim().split('\n').pop()!) as JobResult;
}

/** Child: prepare the CSV as training does; report time, tokens, id bytes and peak RSS. */
async function prepareJob(file: string): Promise<JobResult> {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const d = await prepareData({ train: file, text_column: 'text', label_column: 'label' }, tok, MAX_LENGTH, true);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return {
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    tokens: d.tokens,
    idBytes: d.idBytes,
    rows: d.train.length,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

/** Child: the tokenizer alone over the same texts (read as lines), same truncation and special tokens. */
async function tokenizeJob(file: string): Promise<JobResult> {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const buf = new TokenBuffer();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let tokens = 0;
  let rows = 0;
  for await (const lines of lineBatches(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    for (const line of lines) {
      buf.length = 0;
      tok.encoder.encodeInto(line, buf, MAX_LENGTH);
      tokens += Math.min(buf.length, MAX_LENGTH - 2) + 2;
      rows++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return {
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    tokens,
    rows,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

export async function bench(): Promise<BenchRow[]> {
  const mb = Number(process.env.BENCH_DATA_MB ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-databench-'));
  try {
    const csv = join(dir, 'train.csv');
    const txt = join(dir, 'texts.txt');
    makeFiles(csv, txt, mb * 1e6, readFileSync(bundledVocabPath(), 'utf8').split('\n'));
    // Each job twice, alternating, keeping the faster run: one burst of load elsewhere on the
    // machine does not decide the ratio. Peak RSS is the same job's either way.
    const best = (a: JobResult, b: JobResult) => (a.seconds <= b.seconds ? a : b);
    let prep = runJob('prepare', csv);
    let tok = runJob('tokenize', txt);
    prep = best(prep, runJob('prepare', csv));
    tok = best(tok, runJob('tokenize', txt));
    const idMB = prep.idBytes! / 2 ** 20;
    const rate = (j: JobResult) => j.tokens / j.seconds;
    const cpuRate = (j: JobResult) => j.tokens / j.cpuSeconds;
    return [
      {
        area: 'data',
        figure: `peak RSS preparing a ${mb} MB CSV (${(prep.rows / 1e6).toFixed(2)} M rows, ${(prep.tokens / 1e6).toFixed(1)} M tokens)`,
        value: prep.maxRssMB,
        unit: 'MB',
        peer: '3 x bytes of its token ids (int32)',
        peerValue: 3 * idMB,
        ratio: prep.maxRssMB / (3 * idMB),
        target: '<= 1.0',
      },
      {
        area: 'data',
        figure: `preparation throughput, ${mb} MB CSV (read, check, clean, tokenize, pack)`,
        value: rate(prep),
        unit: 'tokens/s',
        peer: 'the tokenizer alone on the same texts',
        peerValue: rate(tok),
        ratio: rate(prep) / rate(tok),
        target: '>= 0.5',
      },
      {
        area: 'data',
        figure: '  the same, per CPU-second (steadier on a loaded machine)',
        value: cpuRate(prep),
        unit: 'tokens/CPU-s',
        peer: 'the tokenizer alone on the same texts',
        peerValue: cpuRate(tok),
        ratio: cpuRate(prep) / cpuRate(tok),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--job') {
  const [kind, file] = process.argv.slice(3);
  (kind === 'prepare' ? prepareJob(file) : tokenizeJob(file)).then(
    (r) => console.error(JSON.stringify(r)),
    (e) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exit(1);
    },
  );
} else if (require.main === module) {
  bench().then((rows) => printRows(rows));
}
