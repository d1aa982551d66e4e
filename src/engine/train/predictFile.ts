// Predict a file to CSV (`bertnb predict --input FILE --output FILE.csv`, the monitor's "Predict a
// file"): every row of a CSV/TSV/JSONL/text file through a saved classifier, written as one CSV with
// the text, the predicted label, its probability and every label's probability. The output is
// written only when it is new or a file bertnb wrote earlier (ownedFile.ts).
import { resolve } from 'node:path';
import { loadData, DataError, type DataOptions } from '../data';
import { csvLine } from '../../protocol/evaluation';
import { predictTexts } from './inference';
import { refuseOverwrite, writeOwnedFile } from './ownedFile';
import type { PredictFileResult } from '../../protocol/kernelOps';

export interface PredictFileOptions extends Pick<DataOptions, 'text_column' | 'text_pair_column' | 'format'> {
  maxLength?: number;
  batchSize?: number;
  backend?: string;
}

export async function predictFile(
  modelDir: string,
  input: string,
  output: string,
  opts: PredictFileOptions = {},
): Promise<PredictFileResult> {
  if (resolve(input) === resolve(output))
    throw new DataError(`predict: --output ${output} is the input file; choose another name`);
  // Refused before the model runs: a long prediction should not end in "cannot write".
  const why = refuseOverwrite(output);
  if (why) throw new DataError(`predict: ${why}`);
  const data = await loadData(
    { train: input, text_column: opts.text_column, text_pair_column: opts.text_pair_column, format: opts.format },
    false,
  );
  const rows = data.train;
  const pairs = rows.some((r) => r.text_pair !== undefined);
  const preds = await predictTexts(
    modelDir,
    rows.map((r) => (pairs ? [r.text, r.text_pair ?? ''] : r.text)),
    opts,
  );
  const labels = preds.length ? Object.keys(preds[0].scores) : [];
  const regression = labels.length === 1 && labels[0] === 'value';
  const header = [
    'source',
    'text',
    ...(pairs ? ['text_pair'] : []),
    regression ? 'prediction' : 'predicted_label',
    ...(regression ? [] : ['score', ...labels.map((l) => `p_${l}`)]),
  ];
  const counts: Record<string, number> = {};
  let text = csvLine(header);
  preds.forEach((p, i) => {
    const r = rows[i];
    counts[p.label] = (counts[p.label] ?? 0) + 1;
    const head = [r.source, r.text, ...(pairs ? [r.text_pair ?? ''] : [])];
    text += csvLine(regression ? [...head, p.score] : [...head, p.label, p.score, ...labels.map((l) => p.scores[l])]);
  });
  writeOwnedFile(output, text, `predictions of ${modelDir} on ${input}`);
  return { rows: rows.length, output, counts };
}
