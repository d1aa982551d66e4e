// The webview side of the host channel: one typed `post` and one `onMessage`, so panel code never
// touches `acquireVsCodeApi` or raw `message` events itself.
interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;
function vscodeApi(): VsCodeApi {
  // acquireVsCodeApi may be called once per page.
  api ??= acquireVsCodeApi();
  return api;
}

export function post(msg: { type: string } & Record<string, unknown>): void {
  vscodeApi().postMessage(msg);
}

export function onMessage(handler: (msg: { type: string } & Record<string, unknown>) => void): void {
  window.addEventListener('message', (ev: MessageEvent) => {
    const m = ev.data as unknown;
    // The host is trusted, but a stray message from elsewhere in the page must not crash the panel.
    if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string')
      handler(m as { type: string } & Record<string, unknown>);
  });
}

export function saveState(state: unknown): void {
  vscodeApi().setState(state);
}

export function loadState<T>(): T | undefined {
  return vscodeApi().getState() as T | undefined;
}
