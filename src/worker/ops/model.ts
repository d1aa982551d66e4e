// `model` op (notebook %model cell): load or create the model the notebook works with and keep it,
// with its tokenizer, in this child process for the cells that follow (%tokenize, %data, %export).
import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { initBackend, isBuiltinName, loadPretrained, type BertConfig } from '../../engine/model';
import { BertTokenizer } from '../../engine/tokenizer';
import type { ModelOutput } from '../../protocol/notebook-outputs';
import type { NotebookModel, OpHandler } from './context';

/** A path relative to the notebook's folder, or a hub id / built-in name left as it is. */
export function resolveSource(cwd: string, name: string): string {
  if (isBuiltinName(name)) return name;
  const local = isAbsolute(name) ? name : resolve(cwd, name);
  return existsSync(local) ? local : name;
}

function moduleOf(name: string): string {
  const n = name.replace(/^bert\./, '');
  const layer = /^encoder\.layer\.(\d+)\./.exec(n);
  if (layer) return `encoder.layer.${layer[1]}`;
  return n.split('.')[0];
}

export function summarize(m: NotebookModel, source: string, report?: ModelOutput['report']): ModelOutput {
  const modules = new Map<string, number>();
  for (const v of m.model.variables)
    modules.set(moduleOf(v.name), (modules.get(moduleOf(v.name)) ?? 0) + v.variable.size);
  const c: BertConfig = m.model.config;
  return {
    name: m.name,
    task: m.task,
    source,
    backend: { name: m.backend.name, reason: m.backend.reason },
    parameters: m.model.numParameters,
    architecture: [
      { key: 'architecture', value: m.model.architecture },
      { key: 'layers', value: c.num_hidden_layers },
      { key: 'hidden size', value: c.hidden_size },
      { key: 'attention heads', value: c.num_attention_heads },
      { key: 'intermediate size', value: c.intermediate_size },
      { key: 'activation', value: c.hidden_act },
      { key: 'vocabulary', value: c.vocab_size },
      { key: 'max positions', value: c.max_position_embeddings },
      { key: 'dropout (hidden / attention)', value: `${c.hidden_dropout_prob} / ${c.attention_probs_dropout_prob}` },
      ...(m.task === 'sequence-classification'
        ? [{ key: 'labels', value: Object.values(c.id2label ?? {}).join(', ') || String(c.num_labels) }]
        : []),
    ],
    modules: [...modules].map(([name, parameters]) => ({ name, parameters })),
    report,
  };
}

export const modelOp: OpHandler<'model'> = async (a, { state }) => {
  if (typeof a.name !== 'string') throw new Error('%model needs name: a built-in size, a model folder or a hub id');
  const cwd = a.cwd ?? process.cwd();
  const backend = await initBackend(a.backend ?? 'auto');
  const task = a.task ?? 'sequence-classification';
  const source = resolveSource(cwd, a.name);
  const labels = a.labels?.map(String);
  const numLabels = labels?.length ?? a.num_labels ?? (task === 'sequence-classification' ? 2 : undefined);
  const tokenizer = a.tokenizer ? await BertTokenizer.load(resolveSource(cwd, a.tokenizer)) : undefined;
  const overrides: Partial<BertConfig> = {};
  if (a.hidden_dropout_prob !== undefined) overrides.hidden_dropout_prob = a.hidden_dropout_prob;
  if (a.attention_probs_dropout_prob !== undefined)
    overrides.attention_probs_dropout_prob = a.attention_probs_dropout_prob;
  if (tokenizer && isBuiltinName(source)) overrides.vocab_size = tokenizer.vocabSize;
  const loaded = await loadPretrained(source, {
    task,
    numLabels,
    id2label: labels ? Object.fromEntries(labels.map((l, i) => [String(i), l])) : undefined,
    seed: a.seed ?? 42,
    configOverrides: overrides,
    tokenizer,
  });
  // Free the previous model's weights before keeping the new one.
  state.model?.model.dispose();
  state.model = { model: loaded.model, tokenizer: tokenizer ?? loaded.tokenizer, name: a.name, task, backend };
  const from = loaded.dir
    ? loaded.dir
    : isBuiltinName(source)
      ? `random initialisation (${source}, seed ${a.seed ?? 42})`
      : source;
  const r = loaded.report;
  // A random built-in model is all "newly initialised": only a loaded checkpoint's report says something.
  return summarize(
    state.model,
    from,
    loaded.dir ? { missing: r.missing, unexpected: r.unexpected, newlyInitialized: r.newlyInitialized } : undefined,
  );
};
