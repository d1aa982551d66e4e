// Static views of bertnb outputs (model, tokens, data, predictions, export; metrics: evaluation.ts): plain DOM built
// with text nodes only, never innerHTML, so text from a dataset cannot become markup.
import { el } from '../panelkit/dom';
import { formatCount, formatNumber } from '../shared/format';
import type {
  DataOutput,
  ExportOutput,
  ModelOutput,
  PredictionsOutput,
  TokensOutput,
} from '../../src/protocol/notebook-outputs';

export function modelView(m: ModelOutput): HTMLElement {
  const arch = el('div', { class: 'kv' });
  for (const a of m.architecture) arch.append(el('span', { class: 'muted' }, a.key), el('span', {}, String(a.value)));
  const modules = el('table', {}, el('tr', {}, el('th', {}, 'module'), el('th', { class: 'num' }, 'parameters')));
  for (const mod of m.modules)
    modules.append(
      el('tr', {}, el('td', {}, mod.name), el('td', { class: 'num' }, mod.parameters.toLocaleString('en-US'))),
    );
  const out = el(
    'div',
    { class: 'bn model' },
    el(
      'h4',
      {},
      m.name,
      el('span', { class: 'badge' }, m.task),
      el('span', { class: 'badge', title: m.backend.reason }, `backend: ${m.backend.name}`),
    ),
    el(
      'div',
      { class: 'stats' },
      el('span', {}, el('b', {}, formatCount(m.parameters)), ' parameters'),
      el('span', { class: 'muted' }, m.source),
    ),
    arch,
    modules,
  );
  if (m.report?.newlyInitialized.length)
    out.append(
      el(
        'div',
        { class: 'message muted' },
        `Newly initialised (train before use): ${m.report.newlyInitialized.join(', ')}`,
      ),
    );
  if (m.report?.missing.length)
    out.append(el('div', { class: 'message muted' }, `Missing in checkpoint: ${m.report.missing.join(', ')}`));
  if (m.report?.unexpected.length)
    out.append(el('div', { class: 'message muted' }, `Unused in checkpoint: ${m.report.unexpected.join(', ')}`));
  return out;
}

export function tokensView(t: TokensOutput): HTMLElement {
  const list = el('div', { class: 'texts' });
  for (const item of t.items) {
    const chips = el('div', { class: 'chips', 'data-tokens': item.tokens.length });
    for (const c of item.tokens) {
      const cls = [
        'chip',
        c.special ? 'special' : '',
        c.unk ? 'unk' : '',
        c.piece ? 'piece' : '',
        c.type === 1 ? 'type1' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const title = `${c.token} → id ${c.id}, token type ${c.type}${c.special ? ', special token' : ''}${c.unk ? ', unknown to the vocabulary' : ''}${c.piece ? ', continues the previous word' : ''}`;
      chips.append(
        el(
          'span',
          { class: cls, title },
          el('span', { class: 'tok' }, c.token),
          el('span', { class: 'id' }, String(c.id)),
        ),
      );
    }
    if (item.truncated)
      chips.append(
        el(
          'span',
          { class: 'cut', title: `cut at max_length ${t.maxLength}` },
          `✂ truncated: ${item.fullLength} → ${item.tokens.length} tokens`,
        ),
      );
    const head = el(
      'div',
      { class: 'muted' },
      `${item.tokens.length} tokens`,
      item.pair !== undefined ? ' (pair)' : '',
    );
    list.append(el('div', { class: 'text' }, head, chips));
  }
  return el(
    'div',
    { class: 'bn tokens' },
    list,
    el(
      'div',
      { class: 'legend muted' },
      el('span', {}, el('span', { class: 'chip special' }, '[CLS]'), ' special'),
      el('span', {}, el('span', { class: 'chip piece' }, '##ing'), ' word piece'),
      el('span', {}, el('span', { class: 'chip unk' }, '[UNK]'), ' unknown'),
      el('span', {}, el('span', { class: 'chip type1' }, 'b'), ' second text (type 1)'),
      el(
        'span',
        {},
        `vocabulary ${t.vocabSize.toLocaleString('en-US')}${t.lowercase ? ', lowercased' : ''}, max_length ${t.maxLength}`,
      ),
    ),
  );
}

function hbars(rows: Array<{ label: string; value: number; text: string; top?: boolean }>, max: number): HTMLElement {
  const g = el('div', { class: 'hbar' });
  for (const r of rows) {
    const fill = el('div', { class: r.top ? 'fill top' : 'fill' });
    fill.style.width = `${max > 0 ? (100 * r.value) / max : 0}%`;
    g.append(el('span', {}, r.label), el('div', { class: 'track' }, fill), el('span', { class: 'muted' }, r.text));
  }
  return g;
}

export function dataView(d: DataOutput): HTMLElement {
  const out = el('div', { class: 'bn data' });
  out.append(
    el(
      'div',
      { class: 'stats' },
      el('span', {}, `problem: ${d.problemType}`),
      el('span', {}, `labels: ${d.labels.join(', ') || '–'}`),
      el('span', {}, `max_length ${d.maxLength}`),
    ),
  );
  for (const s of d.splits) {
    const maxCount = Math.max(1, ...s.histogram.counts);
    const bars = el('div', { class: 'bars', title: 'token length histogram' });
    s.histogram.counts.forEach((c, i) => {
      const lo = s.histogram.edges[i];
      const b = el('div', {
        class: lo >= d.maxLength ? 'over' : '',
        title: `${lo}–${s.histogram.edges[i + 1]} tokens: ${c}`,
      });
      b.style.height = `${(100 * c) / maxCount}%`;
      bars.append(b);
    });
    const labelRows = Object.entries(s.labelCounts).map(([label, n]) => ({ label, value: n, text: `${n}` }));
    out.append(
      el(
        'div',
        { class: 'split' },
        el(
          'h4',
          {},
          `${s.name}`,
          el('span', { class: 'badge' }, `${s.rows.toLocaleString('en-US')} rows`),
          el('span', { class: 'muted' }, `  ${s.file}`),
        ),
        el(
          'div',
          { class: 'stats' },
          ...(['min', 'p50', 'p90', 'p99', 'max'] as const).map((k) =>
            el('span', {}, `${k} `, el('b', {}, String(Math.round(s.lengths[k])))),
          ),
          el('span', {}, 'mean ', el('b', {}, formatNumber(s.lengths.mean, 3))),
          el(
            'span',
            { class: s.truncated ? '' : 'muted' },
            `${s.truncated} rows longer than ${d.maxLength} (truncated)`,
          ),
        ),
        bars,
        el(
          'div',
          { class: 'axis' },
          el('span', {}, `${s.histogram.edges[0] ?? 0} tokens`),
          el('span', {}, `${s.histogram.edges.at(-1) ?? ''}`),
        ),
        labelRows.length ? hbars(labelRows, Math.max(...labelRows.map((r) => r.value))) : false,
      ),
    );
  }
  const skipped = d.skippedBadRows;
  if (skipped?.count)
    out.append(
      el(
        'div',
        { class: 'message' },
        `${skipped.count.toLocaleString('en-US')} bad row(s) skipped (skip_bad_rows): ${skipped.first.join(', ')}${skipped.count > skipped.first.length ? ', …' : ''}`,
      ),
    );
  return out;
}

export function predictionsView(p: PredictionsOutput): HTMLElement {
  const out = el('div', { class: 'bn predictions' });
  for (const row of p.rows) {
    let bars = p.labels.map((label, i) => ({
      label,
      value: row.probs[i] ?? 0,
      text: `${(100 * (row.probs[i] ?? 0)).toFixed(1)}%`,
      top: label === row.label,
    }));
    bars.sort((a, b) => b.value - a.value);
    if (p.topK) bars = bars.slice(0, p.topK);
    out.append(
      el(
        'div',
        { class: 'pred' },
        el(
          'div',
          {},
          el('b', {}, row.label),
          el('span', { class: 'muted' }, `  ${row.text}${row.pair ? ` ‖ ${row.pair}` : ''}`),
        ),
        hbars(bars, 1),
      ),
    );
  }
  return out;
}

export function exportView(e: ExportOutput): HTMLElement {
  const t = el('table', {});
  for (const f of e.files)
    t.append(el('tr', {}, el('td', {}, f.name), el('td', { class: 'num muted' }, `${formatCount(f.bytes)}B`)));
  const title =
    e.format === 'trainer' ? 'Hugging Face Trainer run (train.py + accelerate)' : 'Saved Hugging Face model';
  const notes = (e.warnings ?? []).map((w) => el('li', { class: 'muted' }, w));
  return el(
    'div',
    { class: 'bn export' },
    el('h4', {}, title),
    el('div', {}, el('code', {}, e.path)),
    t,
    ...(notes.length ? [el('ul', {}, ...notes)] : []),
  );
}
