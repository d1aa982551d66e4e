// Loads tokenizers once per vocabulary file: typing in the preview encodes in-process in well under a
// millisecond per sentence, loading a 30k vocabulary takes tens of milliseconds.
import { BertTokenizer } from '../../engine/tokenizer';

const cache = new Map<string, Promise<BertTokenizer>>();

export function tokenizerFor(path: string): Promise<BertTokenizer> {
  let p = cache.get(path);
  if (!p) {
    p = BertTokenizer.load(path);
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}
