// The bertnb notebook renderer (ES module loaded by VS Code's notebook webview). Each output gets a
// shadow root with adopted stylesheets (no inline <style>/<script>, no eval), a view per mime type,
// and training outputs are updated in place when the kernel replaces them with newer data.
import { rendererCss } from './styles';
import { chartCss, uplotCss } from '../shared/lineChart';
import { onThemeChange } from '../shared/theme';
import { TrainingView } from './training';
import { dataView, exportView, modelView, predictionsView, tokensView } from './views';
import { evaluationView, type SaveCsv } from './evaluation';
import {
  NOTEBOOK_MIME,
  type MetricsOutput,
  type RendererToHostMessage,
  type RunOutputAction,
  type SavedModel,
  type TrainingOutput,
} from '../../src/protocol/notebook-outputs';

// The parts of VS Code's renderer API we use (vscode-notebook-renderer), declared here to avoid a dependency.
interface OutputItem {
  readonly id: string;
  readonly mime: string;
  json(): unknown;
}
interface RendererContext {
  postMessage?(message: unknown): void;
}

interface Mounted {
  mime: string;
  training?: TrainingView;
  /** Set once VS Code disposed the output: its element may be reused for the replacing output. */
  disposed?: boolean;
  dispose(): void;
}

const mounted = new Map<string, Mounted>();
const byElement = new WeakMap<HTMLElement, Mounted>();

let sheets: CSSStyleSheet[] | undefined;
function styleSheets(): CSSStyleSheet[] {
  if (!sheets) {
    sheets = [uplotCss, chartCss, rendererCss].map((css) => {
      const s = new CSSStyleSheet();
      s.replaceSync(css);
      return s;
    });
  }
  return sheets;
}

function shadowOf(element: HTMLElement): ShadowRoot {
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = styleSheets();
  return root;
}

/** Set by activate when VS Code lets outputs post to the host (the CSV export goes through it). */
let saveCsv: SaveCsv | undefined;

const staticViews: Record<string, (data: never) => HTMLElement> = {
  [NOTEBOOK_MIME.model]: modelView,
  [NOTEBOOK_MIME.tokens]: tokensView,
  [NOTEBOOK_MIME.data]: dataView,
  [NOTEBOOK_MIME.metrics]: (m: MetricsOutput) => evaluationView(m, saveCsv),
  [NOTEBOOK_MIME.predictions]: predictionsView,
  [NOTEBOOK_MIME.export]: exportView,
};

function errorView(message: string): HTMLElement {
  const d = document.createElement('div');
  d.className = 'message';
  d.textContent = `bertnb renderer: ${message}`;
  return d;
}

export function activate(ctx: RendererContext) {
  const trainingViews = new Set<TrainingView>();
  onThemeChange(() => trainingViews.forEach((v) => v.retheme()));
  const stop = ctx.postMessage
    ? () => ctx.postMessage!({ type: 'stopTraining' } satisfies RendererToHostMessage)
    : undefined;
  // Run actions on the run's saved model: the host checks the folder against this notebook's outputs.
  const runAction = ctx.postMessage
    ? (action: RunOutputAction, model: SavedModel) =>
        ctx.postMessage!({
          type: 'runAction',
          action,
          model: model.dir,
          runDir: model.runDir,
        } satisfies RendererToHostMessage)
    : undefined;
  saveCsv = ctx.postMessage
    ? (suggestedName, csv) => ctx.postMessage!({ type: 'saveCsv', suggestedName, csv } satisfies RendererToHostMessage)
    : undefined;

  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      const root = shadowOf(element);
      let data: unknown;
      try {
        data = item.json();
      } catch (err) {
        root.replaceChildren(errorView(`output is not JSON (${(err as Error).message})`));
        return;
      }
      // Same element, same training output: update the live view instead of rebuilding it.
      // VS Code disposes the replaced output item before rendering its successor into the same element,
      // so a disposed view must be rebuilt, not updated (its root is detached and would never show).
      const live = byElement.get(element);
      const existing = live && !live.disposed ? live : undefined;
      if (existing?.training && item.mime === NOTEBOOK_MIME.training) {
        try {
          existing.training.update(data as TrainingOutput);
        } catch (err) {
          console.error('bertnb renderer: training update failed', err);
          root.append(errorView(`cannot update the chart (${(err as Error).message})`));
        }
        mounted.set(item.id, existing);
        return;
      }
      existing?.dispose();
      // The same output drawn into a new element: the old view goes (its element may only be hidden).
      const previous = mounted.get(item.id);
      if (previous && previous !== existing) previous.dispose();
      if (item.mime === NOTEBOOK_MIME.training) {
        const view = new TrainingView(stop, runAction);
        trainingViews.add(view);
        root.replaceChildren(view.root);
        try {
          view.update(data as TrainingOutput);
        } catch (err) {
          console.error('bertnb renderer: training view failed', err);
          root.append(errorView(`cannot draw the chart (${(err as Error).message})`));
        }
        const m: Mounted = {
          mime: item.mime,
          training: view,
          dispose: () => (view.dispose(), view.root.remove(), trainingViews.delete(view)),
        };
        mounted.set(item.id, m);
        byElement.set(element, m);
        return;
      }
      const make = staticViews[item.mime];
      try {
        root.replaceChildren(make ? make(data as never) : errorView(`unknown output type ${item.mime}`));
      } catch (err) {
        root.replaceChildren(errorView(`cannot draw this output (${(err as Error).message})`));
      }
      const m: Mounted = { mime: item.mime, dispose: () => undefined };
      mounted.set(item.id, m);
      byElement.set(element, m);
    },
    disposeOutputItem(id?: string): void {
      const drop = (m: Mounted) => {
        m.dispose();
        m.disposed = true;
      };
      if (id === undefined) {
        mounted.forEach(drop);
        mounted.clear();
        return;
      }
      const m = mounted.get(id);
      if (m) drop(m);
      mounted.delete(id);
    },
  };
}
