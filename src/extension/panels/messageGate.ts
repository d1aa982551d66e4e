// Every message a webview sends passes here first: validated against src/protocol, and anything
// malformed or unknown is dropped and logged, never acted on.
import { parsePanelMessage, type PanelName, type ToHostByPanel } from '../../protocol/panels';

export interface GateLog {
  warn(message: string): void;
}

export function gate<P extends PanelName>(
  panel: P,
  log: GateLog,
  handle: (msg: ToHostByPanel[P]) => void | Promise<void>,
): (raw: unknown) => void {
  return (raw: unknown) => {
    const r = parsePanelMessage(panel, raw);
    if (!r.ok) {
      log.warn(`ignored a message from the ${panel} webview: ${r.reason}`);
      return;
    }
    Promise.resolve(handle(r.message)).catch((e: unknown) =>
      log.warn(`${panel} webview: handling "${r.message.type}" failed: ${(e as Error)?.message ?? e}`),
    );
  };
}
