// Text cleaning before tokenization: drop control characters, normalise whitespace, cap pathological
// lengths. (Lowercasing, accent stripping and HTML are the tokenizer's normalizer's job.)

/** Characters beyond this are dropped before tokenizing: max_length truncation would discard them anyway. */
export const MAX_TEXT_CHARS = 100_000;

// C0/C1 controls except tab/newline/CR (those count as whitespace), zero-width and BOM characters.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200C\u200D\u2060\uFEFF]/g;

export function cleanText(s: string, maxChars = MAX_TEXT_CHARS): { text: string; capped: boolean } {
  const capped = s.length > maxChars;
  const t = (capped ? s.slice(0, maxChars) : s).replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return { text: t, capped };
}
