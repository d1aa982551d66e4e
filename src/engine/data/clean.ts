// Text cleaning before tokenization (data.clean_text): strip HTML tags and unescape entities, drop
// control characters, collapse whitespace; always cap pathological lengths. Lowercasing and accent
// stripping belong to the tokenizer's normalizer.

/** Characters beyond this are dropped before tokenizing: max_length truncation would discard them anyway. */
export const MAX_TEXT_CHARS = 100_000;

// C0/C1 controls except tab/newline/CR (those count as whitespace), zero-width and BOM characters.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200C\u200D\u2060\uFEFF]/g;
const TAG = /<\/?[A-Za-z][^<>]*>|<!--[\s\S]*?-->/g;
/** Anything the steps below could change: a tag or entity start, a control or non-ASCII character, two whitespace characters in a row. */
const NEEDS_CLEANING = /[<&\u0000-\u001f\u007f-\uffff]|\s\s/;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

export function unescapeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8}|#39);/g, (m, e: string) => {
    if (e in NAMED) return NAMED[e];
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return m;
  });
}

export function cleanText(
  s: string,
  opts: { clean?: boolean; maxChars?: number } = {},
): { text: string; capped: boolean } {
  const maxChars = opts.maxChars ?? MAX_TEXT_CHARS;
  const capped = s.length > maxChars;
  let t = capped ? s.slice(0, maxChars) : s;
  if (opts.clean === false) return { text: t.trim(), capped };
  // Most texts are printable ASCII with single spaces: nothing to remove or collapse.
  if (!NEEDS_CLEANING.test(t)) return { text: t.trim(), capped };
  if (t.includes('<')) t = t.replace(TAG, ' ');
  if (t.includes('&')) t = unescapeEntities(t);
  return { text: t.replace(CONTROL, '').replace(/\s+/g, ' ').trim(), capped };
}
