// decode(): the WordPiece decoder of Hugging Face (prefix '##', cleanup on): pieces after the first
// lose their '##' and glue to the previous one, others are joined with a space; then the usual
// cleanup of spaces before punctuation and English contractions.

const CLEANUPS: [string, string][] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

function cleanup(s: string): string {
  for (const [from, to] of CLEANUPS) if (s.includes(from)) s = s.split(from).join(to);
  return s;
}

export function decodeTokens(tokens: readonly string[]): string {
  let out = '';
  tokens.forEach((token, i) => {
    let piece = token;
    if (i > 0) piece = token.startsWith('##') ? token.slice(2) : ` ${token}`;
    out += cleanup(piece);
  });
  return out;
}
