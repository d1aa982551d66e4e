// Hub ids → local folders in the standard Hugging Face cache (models--org--name/{blobs,snapshots,refs}),
// so that Python and bertnb share downloads. @huggingface/hub speaks the hub's API (paths-info,
// model info, resolve URLs with Range requests); we add what its downloadFileToCacheDir lacks:
// progress, resuming a partial `.incomplete` blob, refs/<revision>, and offline reuse of a snapshot.
import { createWriteStream, existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rename, rm, stat, symlink, copyFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { downloadFile, getHFHubCachePath, getRepoFolderName, modelInfo, pathsInfo } from '@huggingface/hub';
import { isInside } from './inside';
import { NetworkTimeoutError, hubTimeouts, timedFetch, type Timeouts } from './timedFetch';

export interface ProgressEvent {
  file: string;
  loaded: number;
  total?: number;
  /** 'cached' when the file was already there. */
  state: 'downloading' | 'done' | 'cached';
}

export interface DownloadOptions {
  revision?: string;
  /** Default: HF_HUB_CACHE / HF_HOME/hub / ~/.cache/huggingface/hub (as huggingface_hub). */
  cacheDir?: string;
  /** Default: HF_ENDPOINT or https://huggingface.co */
  endpoint?: string;
  onProgress?: (p: ProgressEvent) => void;
  /** Default: HF_TOKEN. */
  accessToken?: string;
  fetch?: typeof fetch;
  /** Default: HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT seconds (10 each). */
  timeouts?: Partial<Timeouts>;
}

/** The files a BERT folder may need; only those present on the hub are fetched. */
export const MODEL_FILES = [
  'config.json',
  'model.safetensors',
  'model.safetensors.index.json',
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
];

const COMMIT_RE = /^[0-9a-f]{40}$/;

export function looksLikeHubId(s: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/.test(s) && !s.includes('..');
}

export function hubCacheDir(): string {
  return getHFHubCachePath();
}

export function repoCacheFolder(repoId: string, cacheDir = hubCacheDir()): string {
  return join(cacheDir, getRepoFolderName({ name: repoId, type: 'model' }));
}

/** A cached snapshot for the revision (via refs/<revision> or a commit hash), if it has a config.json. */
export async function cachedSnapshot(
  repoId: string,
  revision = 'main',
  cacheDir = hubCacheDir(),
): Promise<string | undefined> {
  const storage = repoCacheFolder(repoId, cacheDir);
  let commit = COMMIT_RE.test(revision) ? revision : undefined;
  if (!commit) {
    try {
      commit = (await readFile(join(storage, 'refs', revision), 'utf8')).trim();
    } catch {
      return undefined;
    }
  }
  const dir = join(storage, 'snapshots', commit);
  return existsSync(join(dir, 'config.json')) ? dir : undefined;
}

async function linkBlob(blob: string, pointer: string): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  await rm(pointer, { force: true });
  try {
    await symlink(relative(dirname(pointer), blob), pointer);
  } catch {
    await copyFile(blob, pointer); // file systems without symlinks (as huggingface_hub does)
  }
}

function isNetworkError(e: unknown): boolean {
  if (e instanceof NetworkTimeoutError) return true;
  const msg = `${(e as Error)?.message ?? ''} ${(e as { cause?: Error })?.cause?.message ?? ''} ${(e as { cause?: { code?: string } })?.cause?.code ?? ''}`;
  return /fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|network/i.test(msg);
}

/**
 * Downloads (or reuses) a model snapshot and returns its folder:
 * <cache>/models--org--name/snapshots/<commit>/. With HF_HUB_OFFLINE=1 or no network, a cached
 * snapshot of the revision is used; without one, the error says so.
 */
export async function downloadSnapshot(repoId: string, opts: DownloadOptions = {}): Promise<string> {
  const revision = opts.revision ?? 'main';
  const cacheDir = opts.cacheDir ?? hubCacheDir();
  const hubUrl = (opts.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const accessToken = opts.accessToken ?? process.env.HF_TOKEN ?? undefined;
  const fetchWithTimeouts = timedFetch(opts.fetch ?? fetch, { ...hubTimeouts(), ...opts.timeouts });
  const common = { hubUrl, fetch: fetchWithTimeouts, ...(accessToken ? { accessToken } : {}) };
  const offline = /^(1|true|yes|on)$/i.test(process.env.HF_HUB_OFFLINE ?? '');
  const cached = await cachedSnapshot(repoId, revision, cacheDir);
  if (offline) {
    if (cached) return cached;
    throw new Error(
      `HF_HUB_OFFLINE is set and ${repoId} (revision ${revision}) is not in the Hugging Face cache at ${cacheDir}`,
    );
  }

  let commit: string;
  let infos: Awaited<ReturnType<typeof pathsInfo>>;
  try {
    const info = (await modelInfo({ name: repoId, revision, additionalFields: ['sha'], ...common })) as {
      sha?: string;
    };
    commit = COMMIT_RE.test(revision) ? revision : (info.sha ?? '');
    if (!COMMIT_RE.test(commit)) throw new Error(`the hub did not give a commit hash for ${repoId}@${revision}`);
    infos = await pathsInfo({
      repo: { type: 'model', name: repoId },
      paths: MODEL_FILES,
      revision: commit,
      expand: true,
      ...common,
    });
  } catch (e) {
    if (cached && isNetworkError(e)) return cached;
    if (isNetworkError(e))
      throw new Error(
        `cannot reach ${hubUrl} to download ${repoId} (${(e as Error).message}) and it is not in the Hugging Face cache at ${cacheDir}; connect to the network, or download the folder elsewhere and pass its path`,
      );
    throw new Error(`cannot download ${repoId} from ${hubUrl}: ${(e as Error).message}`);
  }
  const storage = repoCacheFolder(repoId, cacheDir);
  const snapshot = join(storage, 'snapshots', commit);
  const toFile = (i: (typeof infos)[number]) => {
    const etag = i.lfs?.oid ?? i.oid;
    if (!etag || !/^[0-9a-zA-Z]+$/.test(etag)) throw new Error(`the hub gave no usable hash for ${repoId}/${i.path}`);
    return { path: i.path, etag, size: i.size };
  };
  let files = infos.filter((i) => i.type === 'file').map(toFile);
  if (!files.some((f) => f.path === 'config.json'))
    throw new Error(`${repoId}@${revision} on ${hubUrl} has no config.json: not a Transformers model`);
  if (!files.some((f) => f.path.startsWith('model.safetensors')))
    throw new Error(
      `${repoId}@${revision} has no model.safetensors (only PyTorch/TensorFlow weights?); convert it to safetensors with Python: \`from transformers import AutoModel; AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)\``,
    );

  const fetchOne = async (f: { path: string; etag: string; size: number }) => {
    const pointer = join(snapshot, f.path);
    const blob = join(storage, 'blobs', f.etag);
    if (existsSync(pointer)) {
      opts.onProgress?.({ file: f.path, loaded: f.size, total: f.size, state: 'cached' });
      return;
    }
    await mkdir(dirname(blob), { recursive: true });
    if (!existsSync(blob)) await downloadBlob(repoId, f.path, commit, blob, f.size, common, opts.onProgress);
    else opts.onProgress?.({ file: f.path, loaded: f.size, total: f.size, state: 'cached' });
    await linkBlob(blob, pointer);
  };
  for (const f of files) await fetchOne(f);

  // Shards listed by an index file.
  const index = files.find((f) => f.path === 'model.safetensors.index.json');
  if (index) {
    const map = (
      JSON.parse(await readFile(join(snapshot, index.path), 'utf8')) as { weight_map: Record<string, string> }
    ).weight_map;
    const shards = [...new Set(Object.values(map))];
    const outside = shards.find((f) => typeof f !== 'string' || !isInside(snapshot, f));
    if (outside !== undefined)
      throw new Error(`${repoId}: model.safetensors.index.json names shard '${outside}', outside the model folder`);
    const shardInfos = await pathsInfo({
      repo: { type: 'model', name: repoId },
      paths: shards,
      revision: commit,
      expand: true,
      ...common,
    });
    files = shardInfos.map(toFile);
    for (const f of files) await fetchOne(f);
  }
  if (!COMMIT_RE.test(revision)) {
    await mkdir(join(storage, 'refs'), { recursive: true });
    await writeFile(join(storage, 'refs', revision), commit);
  }
  return snapshot;
}

/** Streams one file into blobs/<etag>.incomplete, resuming from its current length, then renames it. */
async function downloadBlob(
  repoId: string,
  path: string,
  commit: string,
  blobPath: string,
  size: number,
  common: { hubUrl: string; fetch?: typeof fetch; accessToken?: string },
  onProgress?: (p: ProgressEvent) => void,
): Promise<void> {
  const incomplete = `${blobPath}.incomplete`;
  let have = 0;
  try {
    have = (await stat(incomplete)).size;
  } catch {
    /* fresh download */
  }
  if (have > size) {
    await rm(incomplete, { force: true });
    have = 0;
  }
  const remote = await downloadFile({
    repo: { type: 'model', name: repoId },
    path,
    revision: commit,
    xet: false,
    ...common,
  });
  if (!remote) throw new Error(`${repoId}: ${path} disappeared from the hub`);
  const total = remote.size;
  let loaded = have;
  onProgress?.({ file: path, loaded, total, state: 'downloading' });
  if (have < total) {
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        loaded += chunk.length;
        onProgress?.({ file: path, loaded, total, state: 'downloading' });
        cb(null, chunk);
      },
    });
    const body = remote.slice(have, total).stream();
    try {
      await pipeline(
        Readable.fromWeb(body as import('node:stream/web').ReadableStream),
        counter,
        createWriteStream(incomplete, { flags: have ? 'a' : 'w' }),
      );
    } catch (e) {
      // The bytes received so far stay in the .incomplete file: the next run asks only for the rest.
      const kept = (await stat(incomplete).catch(() => ({ size: 0 }))).size;
      throw new Error(
        `${repoId}: downloading ${path} stopped at ${kept} of ${total} bytes (${(e as Error)?.message ?? String(e)}); run again to resume`,
      );
    }
  }
  const got = (await stat(incomplete).catch(() => ({ size: 0 }))).size;
  if (got !== total)
    throw new Error(`${repoId}: ${path} is incomplete (${got} of ${total} bytes); run again to resume`);
  await rename(incomplete, blobPath);
  onProgress?.({ file: path, loaded: total, total, state: 'done' });
}

/** Lists the cached BERT-looking repos (for pickers). */
export async function listCachedModels(cacheDir = hubCacheDir()): Promise<string[]> {
  try {
    const names = await readdir(cacheDir);
    const out: string[] = [];
    for (const n of names) {
      if (!n.startsWith('models--')) continue;
      if ((await lstat(join(cacheDir, n))).isDirectory()) out.push(n.slice('models--'.length).split('--').join('/'));
    }
    return out;
  } catch {
    return [];
  }
}
