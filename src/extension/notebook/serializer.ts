// .bertnb ⇄ VS Code NotebookData. Parsing is the engine's (shared with `bertnb run`); this adapter only
// maps types. A malformed or newer file makes deserialize throw: VS Code then shows the message and
// never opens (so never saves over) the file. Fields we do not know ride along in metadata.
import * as vscode from 'vscode';
import {
  isJsonMime,
  isTextMime,
  parseNotebook,
  serializeNotebook,
  type CellOutput,
  type Notebook,
  type NotebookCell,
  type OutputItem,
} from '../../engine/notebook/format';

export const NOTEBOOK_TYPE = 'bertnb';
export const CELL_LANGUAGE = 'bertnb';
/** Metadata key carrying fields of the file this version does not know, written back on save. */
const EXTRA = 'bertnb.unknownFields';

const enc = new TextEncoder();
const dec = new TextDecoder();

function itemToVscode(it: OutputItem): vscode.NotebookCellOutputItem {
  if (isJsonMime(it.mime)) return new vscode.NotebookCellOutputItem(enc.encode(JSON.stringify(it.data)), it.mime);
  if (isTextMime(it.mime)) return new vscode.NotebookCellOutputItem(enc.encode(String(it.data)), it.mime);
  return new vscode.NotebookCellOutputItem(Buffer.from(String(it.data), 'base64'), it.mime);
}

function itemFromVscode(it: vscode.NotebookCellOutputItem): OutputItem {
  if (isJsonMime(it.mime)) {
    const text = dec.decode(it.data);
    try {
      return { mime: it.mime, data: JSON.parse(text) };
    } catch {
      return { mime: it.mime, data: text };
    }
  }
  if (isTextMime(it.mime)) return { mime: it.mime, data: dec.decode(it.data) };
  return { mime: it.mime, data: Buffer.from(it.data).toString('base64') };
}

function splitExtra(meta: { [key: string]: unknown } | undefined): {
  metadata: Record<string, unknown>;
  extra?: Record<string, unknown>;
} {
  const { [EXTRA]: extra, ...metadata } = meta ?? {};
  return { metadata, extra: extra && typeof extra === 'object' ? (extra as Record<string, unknown>) : undefined };
}

function withExtra(
  metadata: Record<string, unknown>,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return extra ? { ...metadata, [EXTRA]: extra } : { ...metadata };
}

export function toNotebookData(nb: Notebook): vscode.NotebookData {
  const cells = nb.cells.map((c) => {
    const kind = c.kind === 'code' ? vscode.NotebookCellKind.Code : vscode.NotebookCellKind.Markup;
    const cell = new vscode.NotebookCellData(kind, c.source, c.kind === 'code' ? CELL_LANGUAGE : 'markdown');
    cell.metadata = withExtra(c.metadata, c.extra);
    cell.outputs = c.outputs.map(
      (o) => new vscode.NotebookCellOutput(o.items.map(itemToVscode), withExtra(o.metadata ?? {}, o.extra)),
    );
    if (c.execution) cell.executionSummary = { executionOrder: c.execution.order, success: c.execution.success };
    return cell;
  });
  const data = new vscode.NotebookData(cells);
  data.metadata = withExtra(nb.metadata, nb.extra);
  return data;
}

export function fromNotebookData(data: vscode.NotebookData): Notebook {
  const top = splitExtra(data.metadata);
  const cells = data.cells.map((c): NotebookCell => {
    const m = splitExtra(c.metadata);
    const outputs = (c.outputs ?? []).map((o): CellOutput => {
      const om = splitExtra(o.metadata);
      const out: CellOutput = { items: o.items.map(itemFromVscode) };
      if (Object.keys(om.metadata).length) out.metadata = om.metadata;
      if (om.extra) out.extra = om.extra;
      return out;
    });
    const cell: NotebookCell = {
      kind: c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markdown',
      source: c.value,
      metadata: m.metadata,
      outputs,
    };
    if (
      c.executionSummary &&
      (c.executionSummary.executionOrder !== undefined || c.executionSummary.success !== undefined)
    )
      cell.execution = { order: c.executionSummary.executionOrder, success: c.executionSummary.success };
    if (m.extra) cell.extra = m.extra;
    return cell;
  });
  return { version: 1, metadata: top.metadata, cells, extra: top.extra };
}

export class BertnbSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    // Throws NotebookFormatError with a message that says what is wrong and where.
    try {
      return toNotebookData(parseNotebook(dec.decode(content)));
    } catch (err) {
      // The reason first: a toast shows only the start of its message.
      const message = `Cannot open this .bertnb notebook: ${(err as Error).message} (the file was left unchanged)`;
      // VS Code 1.100 replaces a serializer's error with "could not be opened due to an unexpected
      // error" in the editor: say what is wrong where a person sees it too.
      void vscode.window.showErrorMessage(message);
      throw new Error(message);
    }
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return enc.encode(serializeNotebook(fromNotebookData(data)));
  }
}
