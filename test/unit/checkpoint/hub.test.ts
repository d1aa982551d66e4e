// Hub downloads against a local stand-in for the hub (127.0.0.1) that implements the routes
// @huggingface/hub calls: model info, paths-info, and resolve with Range requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  mkdirSync,
  lstatSync,
  readlinkSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { initBackend } from '../../../src/engine/backend';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { createModel, parseBertConfig } from '../../../src/engine/model';
import { savePretrained, loadPretrained } from '../../../src/engine/checkpoint/pretrained';
import { downloadSnapshot, repoCacheFolder, type ProgressEvent } from '../../../src/engine/checkpoint/hub';

const REPO = 'tiny-org/tiny-bert';
const COMMIT = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'bertnb-hub-'));
const folder = join(root, 'served');
const files = new Map<string, Buffer>();
const requests: { method: string; url: string; range?: string }[] = [];
let server: Server;
let endpoint = '';
/** When set, model.safetensors bodies stop after this many bytes and the connection stays open, silent. */
let stallAfter: number | undefined;
/** A server that accepts connections and never answers. */
let silent: TcpServer;
let silentEndpoint = '';
const silentSockets: Socket[] = [];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

before(async () => {
  await initBackend('cpu');
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...'abcdefghijklmnopqrstuvwxyz'.split('')];
  const config = parseBertConfig(
    {
      vocab_size: vocab.length,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_position_embeddings: 16,
      num_labels: 2,
    },
    'test',
  );
  const model = createModel('sequence-classification', config, { seed: 1 });
  await savePretrained(model, BertTokenizer.fromVocab(vocab, { doLowerCase: true }), folder);
  model.dispose();
  for (const f of readdirSync(folder)) files.set(f, readFileSync(join(folder, f)));

  server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, range: req.headers.range });
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === `/api/models/${REPO}/revision/main`)
      return json(200, { _id: 'x', id: REPO, sha: COMMIT, lastModified: '2024-01-01T00:00:00Z' });
    if (req.method === 'POST' && url.pathname === `/api/models/${REPO}/paths-info/${COMMIT}`) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { paths } = JSON.parse(body) as { paths: string[] };
        json(
          200,
          paths
            .filter((p) => files.has(p))
            .map((p) => {
              const b = files.get(p)!;
              return {
                type: 'file',
                path: p,
                oid: sha1(b),
                size: b.length,
                ...(p.endsWith('.safetensors') ? { lfs: { oid: sha256(b), size: b.length } } : {}),
              };
            }),
        );
      });
      return;
    }
    const prefix = `/${REPO}/resolve/${COMMIT}/`;
    if (req.method === 'GET' && url.pathname.startsWith(prefix)) {
      const p = url.pathname.slice(prefix.length);
      const b = files.get(p);
      if (!b) {
        res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' });
        return res.end();
      }
      const etag = `"${p.endsWith('.safetensors') ? sha256(b) : sha1(b)}"`;
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (m) {
        const start = Number(m[1]);
        const end = m[2] ? Math.min(Number(m[2]), b.length - 1) : b.length - 1;
        res.writeHead(206, {
          'content-range': `bytes ${start}-${end}/${b.length}`,
          'content-length': end - start + 1,
          'content-type': 'application/octet-stream',
          etag,
        });
        return stallAfter !== undefined && p === 'model.safetensors' && end > start
          ? res.write(b.subarray(start, Math.min(end + 1, start + stallAfter)))
          : res.end(b.subarray(start, end + 1));
      }
      res.writeHead(200, { 'content-length': b.length, 'content-type': 'application/octet-stream', etag });
      return stallAfter !== undefined && p === 'model.safetensors' ? res.write(b.subarray(0, stallAfter)) : res.end(b);
    }
    json(404, { error: `no route ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  silent = createTcpServer((sock) => silentSockets.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentEndpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

after(() => {
  server?.closeAllConnections();
  server?.close();
  silentSockets.forEach((s) => s.destroy());
  silent?.close();
});

test('downloads into the HF cache layout (blobs, snapshots/<commit> symlinks, refs/main) with progress', async () => {
  const cacheDir = join(root, 'cache1');
  const events: ProgressEvent[] = [];
  const dir = await downloadSnapshot(REPO, { cacheDir, endpoint, onProgress: (e) => events.push(e) });
  const storage = repoCacheFolder(REPO, cacheDir);
  assert.equal(storage, join(cacheDir, 'models--tiny-org--tiny-bert'));
  assert.equal(dir, join(storage, 'snapshots', COMMIT));
  assert.equal(readFileSync(join(storage, 'refs', 'main'), 'utf8'), COMMIT);
  for (const [name, bytes] of files) {
    assert.ok(lstatSync(join(dir, name)).isSymbolicLink(), `${name} is a symlink into blobs/`);
    assert.match(readlinkSync(join(dir, name)), /^\.\.\/\.\.\/blobs\//);
    assert.ok(readFileSync(join(dir, name)).equals(bytes), `${name} content`);
  }
  assert.ok(
    existsSync(join(storage, 'blobs', sha256(files.get('model.safetensors')!))),
    'LFS files are stored under their sha256',
  );
  const st = events.filter((e) => e.file === 'model.safetensors');
  assert.equal(st.at(-1)!.state, 'done');
  assert.equal(st.at(-1)!.loaded, files.get('model.safetensors')!.length);

  // A second call reuses the snapshot without downloading anything.
  const before = requests.filter((r) => r.url.includes('/resolve/')).length;
  const again: ProgressEvent[] = [];
  assert.equal(await downloadSnapshot(REPO, { cacheDir, endpoint, onProgress: (e) => again.push(e) }), dir);
  assert.equal(requests.filter((r) => r.url.includes('/resolve/')).length, before);
  assert.ok(again.every((e) => e.state === 'cached'));
});

test('resumes a partial .incomplete blob with a Range request', async () => {
  const cacheDir = join(root, 'cache2');
  const bytes = files.get('model.safetensors')!;
  const blobs = join(repoCacheFolder(REPO, cacheDir), 'blobs');
  mkdirSync(blobs, { recursive: true });
  const half = Math.floor(bytes.length / 2);
  writeFileSync(join(blobs, `${sha256(bytes)}.incomplete`), bytes.subarray(0, half));
  requests.length = 0;
  const dir = await downloadSnapshot(REPO, { cacheDir, endpoint });
  assert.ok(readFileSync(join(dir, 'model.safetensors')).equals(bytes));
  assert.ok(
    requests.some((r) => r.url.endsWith('/model.safetensors') && r.range === `bytes=${half}-${bytes.length - 1}`),
    'asked only for the missing bytes',
  );
});

test('offline: a cached snapshot is reused; without one the error says what to do', async () => {
  const cacheDir = join(root, 'cache1');
  const dead = 'http://127.0.0.1:9'; // nothing listens on the discard port
  const dir = await downloadSnapshot(REPO, { cacheDir, endpoint: dead });
  assert.equal(dir, join(repoCacheFolder(REPO, cacheDir), 'snapshots', COMMIT));
  process.env.HF_HUB_OFFLINE = '1';
  try {
    assert.equal(await downloadSnapshot(REPO, { cacheDir, endpoint }), dir);
    await assert.rejects(
      downloadSnapshot(REPO, { cacheDir: join(root, 'empty'), endpoint }),
      /HF_HUB_OFFLINE is set and tiny-org\/tiny-bert .* is not in the Hugging Face cache/,
    );
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
  await assert.rejects(
    downloadSnapshot(REPO, { cacheDir: join(root, 'empty'), endpoint: dead }),
    /cannot reach http:\/\/127\.0\.0\.1:9 to download tiny-org\/tiny-bert .* not in the Hugging Face cache/,
  );
});

test('loadPretrained(hub id) honours HF_ENDPOINT and HF_HUB_CACHE', async () => {
  const cache = join(root, 'cache3');
  const saved = { e: process.env.HF_ENDPOINT, c: process.env.HF_HUB_CACHE };
  process.env.HF_ENDPOINT = endpoint;
  process.env.HF_HUB_CACHE = cache;
  try {
    const { model, report, dir } = await loadPretrained(REPO, { task: 'sequence-classification' });
    assert.deepEqual(report.missing, []);
    assert.equal(dir, join(cache, 'models--tiny-org--tiny-bert', 'snapshots', COMMIT));
    model.dispose();
  } finally {
    if (saved.e === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved.e;
    if (saved.c === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = saved.c;
  }
});

// The test's own timeout only bounds a regression (without timeouts the request waits minutes); what is asserted is the message.
test(
  'a hub that accepts the connection and never answers: a clear timeout error, or the cached copy',
  { timeout: 30_000 },
  async () => {
    const timeouts = { connectMs: 300, idleMs: 300 };
    await assert.rejects(
      downloadSnapshot(REPO, { cacheDir: join(root, 'empty-silent'), endpoint: silentEndpoint, timeouts }),
      (e: Error) => {
        assert.match(
          e.message,
          /cannot reach http:\/\/127\.0\.0\.1:\d+ to download tiny-org\/tiny-bert \(no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.3 s \(set HF_HUB_ETAG_TIMEOUT/,
        );
        assert.match(e.message, /not in the Hugging Face cache/);
        return true;
      },
    );
    assert.ok(silentSockets.length >= 1, 'the request did reach the silent server');
    const cacheDir = join(root, 'cache1');
    assert.equal(
      await downloadSnapshot(REPO, { cacheDir, endpoint: silentEndpoint, timeouts }),
      join(repoCacheFolder(REPO, cacheDir), 'snapshots', COMMIT),
    );
    // The variables huggingface_hub reads set the defaults.
    process.env.HF_HUB_ETAG_TIMEOUT = '0.2';
    try {
      await assert.rejects(
        downloadSnapshot(REPO, { cacheDir: join(root, 'empty-silent'), endpoint: silentEndpoint }),
        /within 0\.2 s/,
      );
    } finally {
      delete process.env.HF_HUB_ETAG_TIMEOUT;
    }
  },
);

test(
  'a download that stalls midway stops with an idle timeout, keeps its bytes, and the next run resumes',
  { timeout: 30_000 },
  async () => {
    const cacheDir = join(root, 'cache-stall');
    const bytes = files.get('model.safetensors')!;
    const part = Math.floor(bytes.length / 3);
    stallAfter = part;
    try {
      await assert.rejects(
        downloadSnapshot(REPO, { cacheDir, endpoint, timeouts: { connectMs: 2000, idleMs: 300 } }),
        /downloading model\.safetensors stopped at \d+ of \d+ bytes \(.*stopped sending for 0\.3 s.*\); run again to resume/,
      );
    } finally {
      stallAfter = undefined;
    }
    const blobs = join(repoCacheFolder(REPO, cacheDir), 'blobs');
    const partial = readdirSync(blobs).filter((f) => f.endsWith('.incomplete'));
    assert.equal(partial.length, 1, 'one partial blob kept');
    const kept = readFileSync(join(blobs, partial[0]));
    assert.ok(kept.length > 0, 'the bytes received before the stall are kept');
    requests.length = 0;
    const dir = await downloadSnapshot(REPO, { cacheDir, endpoint });
    for (const [name, b] of files) assert.ok(readFileSync(join(dir, name)).equals(b), `${name} content`);
    assert.ok(
      requests.some((r) => r.range?.startsWith(`bytes=${kept.length}-`)),
      'the second run asked only for the missing bytes',
    );
  },
);
