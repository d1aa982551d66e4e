// A large, varied, seeded corpus for the parity test and the benchmark: real English prose and
// code (READMEs, licences and sources shipped in node_modules), prose assembled from the
// vocabulary, URLs, accents, CJK, emoji, zero-width and control characters, unusual spaces,
// words over 100 characters, special tokens written in the text, and random Unicode.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROOT = join(__dirname, '..', '..');

/** Text lines of READMEs/licences (prose) and .js files (code) from node_modules, in a fixed order. */
export function shippedLines(kind: 'prose' | 'code', maxFiles: number): string[] {
  const nm = join(ROOT, 'node_modules');
  const packages: string[] = [];
  for (const name of readdirSync(nm).sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(nm, name)).sort()) packages.push(join(nm, name, sub));
    else packages.push(join(nm, name));
  }
  const lines: string[] = [];
  let files = 0;
  for (const dir of packages) {
    if (files >= maxFiles) break;
    const candidates =
      kind === 'prose'
        ? ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md']
        : ['index.js', 'lib/index.js', 'dist/index.js'];
    for (const c of candidates) {
      const f = join(dir, c);
      if (!existsSync(f) || !statSync(f).isFile() || statSync(f).size > 400_000) continue;
      for (const line of readFileSync(f, 'utf8').split(/\r?\n/)) if (line.trim()) lines.push(line);
      files++;
    }
  }
  return lines;
}

const SPACES = [
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2003',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\t',
  '\r',
  '\v',
  '\f',
  '\u0085',
];
const INVISIBLE = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\ufffd',
  '\u200e',
  '\u202e',
  '\u0300',
  '\u0301',
  '\u0308',
];
const ACCENTED =
  'àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿāăąćčďđēėęěğīįıķĺľłńňōőœřśşšťūůűųźżžǅǆǈǉǌșțΆΈΉΊΌΎΏΐάέήίαβγδεζηθικλμνξοπρσςτυφχψωЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПабвгдежзийклмнопрстуфхцчшщъыьэюяİŞĞÇÖÜẞßﬁﬂ';
const PUNCT = '.,;:!?"\'()[]{}<>-_=+*&^%$#@~`|\\/…—–«»¡¿·•§¶†‡‰′″‹›⁂※';
const EMOJI = ['😀', '🤗', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '❤️', '🇫🇷', '☃', '✨', '🧪', '1️⃣'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function randomCodePoint(r: () => number): string {
  const bucket = r();
  let cp: number;
  if (bucket < 0.3)
    cp = 0x80 + Math.floor(r() * 0x780); // Latin, Greek, Cyrillic, Hebrew, Arabic...
  else if (bucket < 0.5)
    cp = 0x800 + Math.floor(r() * 0x2800); // Indic, SE Asian, symbols
  else if (bucket < 0.65)
    cp = 0x3000 + Math.floor(r() * 0x7000); // CJK & kana & Hangul
  else if (bucket < 0.8)
    cp = 0xa000 + Math.floor(r() * 0x6000); // Hangul syllables, private use, compat
  else if (bucket < 0.97)
    cp = 0x10000 + Math.floor(r() * 0x20000); // supplementary planes
  else cp = 0xd800 + Math.floor(r() * 0x800); // lone surrogates
  return cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
}

export interface CorpusSources {
  prose: string[];
  code: string[];
  words: string[];
}

export function corpusSources(vocab: readonly string[]): CorpusSources {
  return {
    prose: shippedLines('prose', 150),
    code: shippedLines('code', 60),
    words: vocab.filter((t) => /^[a-z]{2,}$/.test(t)),
  };
}

/** One line of a given flavour (0..11), deterministic for a given generator state. */
export function corpusLine(r: () => number, src: CorpusSources, flavour = Math.floor(r() * 12)): string {
  const word = () => {
    const w = pick(r, src.words);
    const x = r();
    return x < 0.1 ? w.toUpperCase() : x < 0.25 ? w[0].toUpperCase() + w.slice(1) : w;
  };
  const sentence = (n: number) => {
    const ws: string[] = [];
    for (let k = 0; k < n; k++) ws.push(word() + (r() < 0.12 ? pick(r, [',', ';', ':', "'s", "n't"]) : ''));
    return ws.join(' ') + pick(r, ['.', '!', '?', '...', '']);
  };
  switch (flavour) {
    case 0:
    case 1:
      return pick(r, src.prose);
    case 2:
      return pick(r, src.code);
    case 3:
      return sentence(3 + Math.floor(r() * 25));
    case 4: // URLs and paths
      return `see https://${word()}.${pick(r, ['com', 'org', 'io'])}/${word()}/${word()}?q=${word()}&id=${Math.floor(r() * 1e6)}#${word()} or C:\\Users\\${word()}\\file_${word()}.txt`;
    case 5: {
      // accents and other scripts mixed with English
      let s = '';
      for (let k = 0; k < 6 + r() * 20; k++) {
        let w = word();
        if (r() < 0.5) w = w.replace(/[aeiou]/, () => pick(r, [...ACCENTED]));
        s += w + ' ';
      }
      return s + pick(r, [...ACCENTED]).repeat(1 + Math.floor(r() * 3));
    }
    case 6: {
      // CJK, kana, Hangul with Latin
      let s = '';
      for (let k = 0; k < 5 + r() * 30; k++) {
        const x = r();
        s +=
          x < 0.4
            ? String.fromCodePoint(0x4e00 + Math.floor(r() * 0x5200))
            : x < 0.55
              ? String.fromCodePoint(0x3041 + Math.floor(r() * 0xb0))
              : x < 0.7
                ? String.fromCodePoint(0xac00 + Math.floor(r() * 0x2ba4))
                : x < 0.8
                  ? '。'
                  : x < 0.9
                    ? ' ' + word() + ' '
                    : String.fromCodePoint(0x20000 + Math.floor(r() * 0xb000));
      }
      return s;
    }
    case 7: {
      // emoji, zero-width and control characters inside words
      let s = '';
      for (let k = 0; k < 4 + r() * 15; k++) {
        const w = word();
        const cut = Math.floor(r() * w.length);
        s +=
          (r() < 0.5 ? w.slice(0, cut) + pick(r, INVISIBLE) + w.slice(cut) : w) +
          (r() < 0.3 ? pick(r, EMOJI) : '') +
          ' ';
      }
      return s;
    }
    case 8: {
      // unusual spaces as separators
      let s = word();
      for (let k = 0; k < 4 + r() * 15; k++) s += pick(r, SPACES) + word();
      return s;
    }
    case 9: {
      // very long words (over 100 characters), ASCII and not
      const base = r() < 0.5 ? word() : pick(r, [...ACCENTED]);
      const long = base.repeat(Math.ceil((90 + r() * 40) / base.length));
      return `${sentence(3)} ${long} ${word()}${r() < 0.5 ? pick(r, PUNCT.split('')) : ''}${long.slice(0, 99)}`;
    }
    case 10: {
      // punctuation soup and special tokens written in the text
      let s = '';
      for (let k = 0; k < 5 + r() * 20; k++)
        s +=
          r() < 0.5
            ? pick(r, [...PUNCT])
            : r() < 0.7
              ? word()
              : pick(r, ['[MASK]', '[CLS]', '[SEP]', '[PAD]', '[UNK]', '[MAS', '[mask]', ' ']);
      return s;
    }
    default: {
      // random Unicode, including unassigned, private-use and lone surrogates
      let s = '';
      for (let k = 0; k < 3 + r() * 40; k++) s += r() < 0.8 ? randomCodePoint(r) : r() < 0.5 ? ' ' : word();
      return s;
    }
  }
}

export function corpus(seed: number, lines: number, src: CorpusSources): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let k = 0; k < lines; k++) out.push(corpusLine(r, src));
  return out;
}
