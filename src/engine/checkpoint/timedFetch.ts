// fetch with the two timeouts a download needs: until the response headers arrive (a server that
// accepts the connection and never answers would otherwise hold us for minutes), and between two
// chunks of the body (a transfer that stalls). Defaults and variable names are huggingface_hub's,
// so one setting serves both Python and bertnb.

export interface Timeouts {
  /** Until the response headers (connect + server think time). */
  connectMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
}

/** A request that got no answer in time: a network error (the cached copy is used when there is one). */
export class NetworkTimeoutError extends Error {
  override name = 'NetworkTimeoutError';
  readonly code = 'ETIMEDOUT';
}

const DEFAULT_SECONDS = 10;

function seconds(v: string | undefined): number {
  const n = Number(v);
  return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n > 0 ? n : DEFAULT_SECONDS;
}

/** HF_HUB_ETAG_TIMEOUT (headers) and HF_HUB_DOWNLOAD_TIMEOUT (idle body), in seconds, default 10 each. */
export function hubTimeouts(env: NodeJS.ProcessEnv = process.env): Timeouts {
  return { connectMs: seconds(env.HF_HUB_ETAG_TIMEOUT) * 1000, idleMs: seconds(env.HF_HUB_DOWNLOAD_TIMEOUT) * 1000 };
}

function originOf(input: Parameters<typeof fetch>[0]): string {
  try {
    return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).origin;
  } catch {
    return String(input);
  }
}

const secs = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

export function timedFetch(base: typeof fetch, t: Timeouts): typeof fetch {
  return async (input, init = {}) => {
    const origin = originOf(input);
    const ctl = new AbortController();
    const outer = init.signal;
    if (outer)
      outer.aborted
        ? ctl.abort(outer.reason)
        : outer.addEventListener('abort', () => ctl.abort(outer.reason), { once: true });
    const ours = (e: unknown) => (ctl.signal.reason instanceof NetworkTimeoutError ? ctl.signal.reason : e);
    const connect = setTimeout(
      () =>
        ctl.abort(
          new NetworkTimeoutError(
            `no answer from ${origin} within ${secs(t.connectMs)} (set HF_HUB_ETAG_TIMEOUT, in seconds, to wait longer)`,
          ),
        ),
      t.connectMs,
    );
    let res: Response;
    try {
      res = await base(input, { ...init, signal: ctl.signal });
    } catch (e) {
      throw ours(e);
    } finally {
      clearTimeout(connect);
    }
    if (!res.body) return res;
    const reader = res.body.getReader();
    // highWaterMark 0: nothing is read (and no idle clock runs) until the caller reads.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(c) {
          const idle = setTimeout(
            () =>
              ctl.abort(
                new NetworkTimeoutError(
                  `${origin} stopped sending for ${secs(t.idleMs)} (set HF_HUB_DOWNLOAD_TIMEOUT, in seconds, to wait longer)`,
                ),
              ),
            t.idleMs,
          );
          try {
            const { done, value } = await reader.read();
            if (done) c.close();
            else c.enqueue(value);
          } catch (e) {
            throw ours(e);
          } finally {
            clearTimeout(idle);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    const wrapped = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    Object.defineProperty(wrapped, 'url', { value: res.url });
    return wrapped;
  };
}
