// Loading and saving vocabularies: vocab.txt (one token per line, id = line number - 1),
// tokenizer.json (Hugging Face; WordPiece model, do_lower_case from its BertNormalizer) or a model
// folder holding either. Every problem is reported with the file (and line when there is one).
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export class VocabError extends Error {
  override name = 'VocabError';
}

export const REQUIRED_SPECIALS = ['[UNK]', '[CLS]', '[SEP]', '[PAD]'] as const;
export const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface LoadedVocab {
  tokens: string[];
  /** undefined when the files do not say (a bare vocab.txt). */
  doLowerCase: boolean | undefined;
  source: string;
}

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i));
        } catch {
          throw new VocabError(`${file}:${line}: not valid UTF-8`);
        }
        line++;
        start = i + 1;
      }
    }
    throw new VocabError(`${file}: not valid UTF-8`);
  }
}

/** Checks a token list: no duplicates or empty tokens, and the special tokens BERT needs. */
export function validateTokens(
  tokens: readonly string[],
  file: string,
  lineOf: (id: number) => string = (id) => `:${id + 1}`,
): void {
  if (tokens.length === 0) throw new VocabError(`${file}: the vocabulary is empty`);
  const seen = new Map<string, number>();
  tokens.forEach((token, id) => {
    if (token === '') throw new VocabError(`${file}${lineOf(id)}: empty token`);
    const first = seen.get(token);
    if (first !== undefined)
      throw new VocabError(
        `${file}${lineOf(id)}: duplicate token '${token}' (first at${lineOf(first).replace(/^:/, ' line ')})`,
      );
    seen.set(token, id);
  });
  const missing = REQUIRED_SPECIALS.filter((s) => !seen.has(s));
  if (missing.length > 0)
    throw new VocabError(`${file}: the vocabulary has no ${missing.join(', ')} token${missing.length > 1 ? 's' : ''}`);
}

export function parseVocabTxt(text: string, file: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 0 && lines[0].charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  // Like the Rust loader: trailing whitespace (\r of CRLF files included) is not part of a token.
  const tokens = lines.map((l) => l.trimEnd());
  validateTokens(tokens, file);
  return tokens;
}

export function parseTokenizerJson(text: string, file: string): { tokens: string[]; doLowerCase: boolean | undefined } {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VocabError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const model = json?.model;
  if (!model || model.type !== 'WordPiece')
    throw new VocabError(`${file}: the model is ${model?.type ?? 'missing'}, expected a WordPiece model`);
  if (model.continuing_subword_prefix !== undefined && model.continuing_subword_prefix !== '##') {
    throw new VocabError(
      `${file}: continuing_subword_prefix '${model.continuing_subword_prefix}' is not supported (only '##')`,
    );
  }
  const vocab = model.vocab;
  if (!vocab || typeof vocab !== 'object') throw new VocabError(`${file}: model.vocab is missing`);
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      throw new VocabError(`${file}: model.vocab['${token}'] is not a valid id`);
    if (tokens[id as number] !== undefined)
      throw new VocabError(
        `${file}: model.vocab has two tokens with id ${id}: '${tokens[id as number]}' and '${token}'`,
      );
    tokens[id as number] = token;
  }
  for (let id = 0; id < tokens.length; id++)
    if (tokens[id] === undefined) throw new VocabError(`${file}: model.vocab has no token with id ${id}`);
  validateTokens(tokens, file, (id) => ` (id ${id})`);
  return { tokens, doLowerCase: lowercaseOf(json.normalizer) };
}

function lowercaseOf(normalizer: any): boolean | undefined {
  if (!normalizer) return undefined;
  if (normalizer.type === 'BertNormalizer') return normalizer.lowercase !== false;
  if (normalizer.type === 'Sequence' && Array.isArray(normalizer.normalizers)) {
    return normalizer.normalizers.some(
      (n: any) => n?.type === 'Lowercase' || (n?.type === 'BertNormalizer' && n.lowercase !== false),
    );
  }
  return undefined;
}

async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VocabError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
    );
  }
  return decodeUtf8(bytes, file);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    throw new VocabError(`${path}: no such file or folder`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** vocab.txt, tokenizer.json, or a folder with tokenizer.json or vocab.txt (+ tokenizer_config.json). */
export async function loadVocab(path: string): Promise<LoadedVocab> {
  if (await isDirectory(path)) {
    let configLower: boolean | undefined;
    const configFile = join(path, 'tokenizer_config.json');
    if (await exists(configFile)) {
      try {
        const config = JSON.parse(await readText(configFile));
        if (typeof config.do_lower_case === 'boolean') configLower = config.do_lower_case;
      } catch (e) {
        if (e instanceof VocabError) throw e;
        throw new VocabError(`${configFile}: not valid JSON (${(e as Error).message})`);
      }
    }
    const json = join(path, 'tokenizer.json');
    if (await exists(json)) {
      const loaded = parseTokenizerJson(await readText(json), json);
      return { tokens: loaded.tokens, doLowerCase: loaded.doLowerCase ?? configLower, source: json };
    }
    const txt = join(path, 'vocab.txt');
    if (await exists(txt))
      return { tokens: parseVocabTxt(await readText(txt), txt), doLowerCase: configLower, source: txt };
    throw new VocabError(`${path}: the folder has neither tokenizer.json nor vocab.txt`);
  }
  const text = await readText(path);
  if (path.endsWith('.json')) {
    const loaded = parseTokenizerJson(text, path);
    return { ...loaded, source: path };
  }
  return { tokens: parseVocabTxt(text, path), doLowerCase: undefined, source: path };
}

/** Writes vocab.txt, tokenizer_config.json, special_tokens_map.json and tokenizer.json (HF formats). */
export async function saveVocab(
  dir: string,
  tokens: readonly string[],
  doLowerCase: boolean,
  maskPresent: boolean,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const specials = SPECIALS.filter((s) => s !== '[MASK]' || maskPresent);
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const specialMap = Object.fromEntries(specials.map((s) => [`${s.slice(1, -1).toLowerCase()}_token`, s]));
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((s) => ({
      id: ids.get(s),
      content: s,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: doLowerCase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [ids.get('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [ids.get('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: doLowerCase,
    tokenize_chinese_chars: true,
    strip_accents: null,
    model_max_length: 512,
    clean_up_tokenization_spaces: true,
    ...specialMap,
  };
  await Promise.all([
    writeFile(join(dir, 'vocab.txt'), tokens.join('\n') + '\n'),
    writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n'),
    writeFile(join(dir, 'special_tokens_map.json'), JSON.stringify(specialMap, null, 2) + '\n'),
    writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson, null, 2) + '\n'),
  ]);
}
