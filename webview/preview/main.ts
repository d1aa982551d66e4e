// Tokenization preview webview: inputs on top, token chips below. The host tokenizes; this page only
// draws what it is sent and asks again (debounced) when an input changes.
import '../panelkit/panel.css';
import './preview.css';
import type { PreviewToWebview, VocabChoice } from '../../src/protocol/panels';
import { clear, debounce, el } from '../panelkit/dom';
import { loadState, onMessage, post, saveState } from '../panelkit/host';
import { registerToolkit } from '../panelkit/toolkit';
import { trustBanner } from '../panelkit/trust';
import { previewCounts, summary, tokenViews, wordColour, type TokenView } from './chips';

registerToolkit();

interface Saved {
  text: string;
  pair: string;
  maxLength: number;
  vocab: string;
}

type Field = HTMLElement & { value: string };
const app = document.getElementById('app')!;
const textBox = el(
  'vscode-text-area',
  { rows: 4, resize: 'vertical', placeholder: 'Type or paste text…', 'data-testid': 'text' },
  'Text',
) as Field;
const pairBox = el(
  'vscode-text-area',
  { rows: 2, resize: 'vertical', placeholder: 'Second text of a pair (optional)', 'data-testid': 'pair' },
  'Pair (optional)',
) as Field;
const vocabPick = el('vscode-dropdown', { 'data-testid': 'vocab' }) as Field;
const browse = el('vscode-button', { appearance: 'secondary', 'data-testid': 'browse' }, 'Browse…');
const maxLen = el(
  'vscode-text-field',
  { type: 'number', min: 1, size: 6, 'data-testid': 'max-length' },
  'max_length',
) as Field;
const status = el('p', { class: 'muted', 'data-testid': 'summary', 'aria-live': 'polite' });
const banner = el('div');
const sourceA = el('div', { class: 'source', 'data-testid': 'source-a' });
const sourceB = el('div', { class: 'source', 'data-testid': 'source-b' });
const chips = el('div', { class: 'chips', 'data-testid': 'chips', role: 'list' });
const legend = el(
  'p',
  { class: 'legend muted' },
  el('span', { class: 'chip special' }, '[CLS]'),
  ' special ',
  el('span', { class: 'chip w0' }, 'word'),
  el('span', { class: 'chip w0' }, '##piece'),
  ' one word ',
  el('span', { class: 'chip unk' }, '[UNK]'),
  ' not in the vocabulary ',
  el('span', { class: 'chip w1 cut' }, 'cut'),
  ' removed by max_length',
);

app.append(
  el('h1', {}, 'Tokenization Preview'),
  banner,
  textBox,
  pairBox,
  el('div', { class: 'row' }, el('label', { class: 'stack' }, el('span', {}, 'Vocabulary'), vocabPick), browse, maxLen),
  status,
  sourceA,
  sourceB,
  chips,
  legend,
);

let seq = 0;
let lastShown = -1;
let current: { text: string; pair: string } = { text: '', pair: '' };

function state(): Saved {
  // As typed: an empty or 0 field is a length of 0 that the host refuses in words, never a silent 128.
  const n = Math.round(Number(maxLen.value));
  return {
    text: textBox.value,
    pair: pairBox.value,
    maxLength: Number.isFinite(n) ? Math.max(-1e9, Math.min(1e9, n)) : 0,
    vocab: vocabPick.value,
  };
}

function request(): void {
  const s = state();
  saveState(s);
  current = { text: s.text, pair: s.pair };
  post({ type: 'encode', seq: ++seq, text: s.text, pair: s.pair, vocab: s.vocab, maxLength: s.maxLength });
}
const requestSoon = debounce(request, 120);
for (const f of [textBox, pairBox, maxLen]) f.addEventListener('input', requestSoon);
vocabPick.addEventListener('change', request);
browse.addEventListener('click', () => post({ type: 'browseVocab' }));

function setVocabs(vocabs: VocabChoice[], selected: string): void {
  clear(vocabPick);
  for (const v of vocabs) {
    const o = el('vscode-option', { value: v.id, title: v.detail ?? v.label }, v.label);
    if (v.id === selected) o.setAttribute('selected', '');
    vocabPick.append(o);
  }
  vocabPick.value = selected;
}

/** The text drawn again with each token's characters in a span, so a chip can light them up. */
function drawSource(target: HTMLElement, text: string, views: TokenView[], segment: number): void {
  clear(target);
  if (!text) return;
  const mine = views
    .filter((v) => v.segment === segment && !v.special && v.end > v.start)
    .sort((a, b) => a.start - b.start);
  let at = 0;
  for (const v of mine) {
    if (v.start < at) continue;
    if (v.start > at) target.append(text.slice(at, v.start));
    target.append(
      el(
        'span',
        { class: `src ${wordColour(v)}${v.cut ? ' cut' : ''}`, 'data-token': v.index },
        text.slice(v.start, v.end),
      ),
    );
    at = v.end;
  }
  if (at < text.length) target.append(text.slice(at));
}

function highlight(index: number | undefined): void {
  for (const e of document.querySelectorAll('.hover')) e.classList.remove('hover');
  if (index === undefined) return;
  for (const e of document.querySelectorAll(`[data-token="${index}"]`)) e.classList.add('hover');
}

function drawResult(m: Extract<PreviewToWebview, { type: 'result' }>): void {
  if (m.seq < lastShown) return; // an older answer arriving late
  lastShown = m.seq;
  const views = tokenViews(m.encoding, m.unkId);
  status.textContent = summary(previewCounts(views), m.maxLength) + (m.lowerCase ? ' · lower-cased' : ' · cased');
  status.classList.remove('error');
  maxLen.classList.remove('invalid');
  drawSource(sourceA, current.text, views, 0);
  drawSource(sourceB, current.pair, views, 1);
  sourceB.hidden = !current.pair;
  clear(chips);
  for (const v of views) {
    const surface = v.special
      ? ''
      : ` · “${(v.segment ? current.pair : current.text).slice(v.start, v.end)}” chars ${v.start}–${v.end}`;
    const why = v.unk ? ' · not in the vocabulary' : v.cut ? ` · removed: beyond max_length ${m.maxLength}` : '';
    const chip = el(
      'span',
      {
        class: `chip ${wordColour(v)}${v.unk ? ' unk' : ''}${v.cut ? ' cut' : ''}${v.segment ? ' pair' : ''}`,
        role: 'listitem',
        'data-token': v.index,
        title: `id ${v.id}${surface}${why}`,
        tabindex: 0,
      },
      el('span', { class: 'tok' }, v.token),
      el('span', { class: 'id' }, String(v.id)),
    );
    const on = () => {
      highlight(v.index);
      const box = (v.segment ? pairBox : textBox) as Field & { control?: HTMLTextAreaElement };
      if (!v.special) box.control?.setSelectionRange(v.start, v.end);
    };
    chip.addEventListener('mouseenter', on);
    chip.addEventListener('focus', on);
    chip.addEventListener('mouseleave', () => highlight(undefined));
    chips.append(chip);
  }
}

onMessage((raw) => {
  const m = raw as unknown as PreviewToWebview;
  switch (m.type) {
    case 'init': {
      const saved = loadState<Saved>();
      clear(banner);
      if (!m.trusted) banner.append(trustBanner('load vocabularies from this folder (the bundled one still works)'));
      setVocabs(m.vocabs, saved && m.vocabs.some((v) => v.id === saved.vocab) ? saved.vocab : m.vocab);
      // A fresh selection wins over the text kept from last time.
      textBox.value = m.text !== '' ? m.text : (saved?.text ?? '');
      pairBox.value = m.pair || (saved?.pair ?? '');
      maxLen.value = String(saved?.maxLength ?? m.maxLength);
      request();
      break;
    }
    case 'vocabs':
      setVocabs(m.vocabs, m.vocab);
      request();
      break;
    case 'result':
      drawResult(m);
      break;
    case 'error':
      if (m.seq < lastShown) return;
      lastShown = m.seq;
      status.textContent = m.message;
      status.classList.add('error');
      // Chips of an earlier length would claim a fit that no longer holds.
      maxLen.classList.toggle('invalid', m.message.startsWith('max_length'));
      clear(chips);
      break;
  }
});

post({ type: 'ready' });
