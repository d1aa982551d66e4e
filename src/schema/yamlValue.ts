// YAML → JS value with a bound on alias expansion: `a: &a [x, x]`, `b: &b [*a, *a]`, … grows
// exponentially (an "alias bomb"). The yaml package counts alias uses while converting and throws
// a bare ReferenceError past the limit; here that becomes a problem located at the first alias.
import { isAlias, visit, type Document } from 'yaml';

/** How many times aliases may be expanded in one document (the yaml package's own default). */
export const MAX_YAML_ALIASES = 100;

export type YamlValue = { ok: true; value: unknown } | { ok: false; message: string; range: [number, number] };

export function yamlValue(doc: Document): YamlValue {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (e) {
    let range: [number, number] = [0, 1];
    let name = '';
    visit(doc, (_key, node) => {
      if (!isAlias(node)) return undefined;
      name = node.source;
      if (node.range) range = [node.range[0], Math.max(node.range[1], node.range[0] + 1)];
      return visit.BREAK;
    });
    const why = /alias/i.test((e as Error)?.message ?? '')
      ? `aliases (like *${name}) expand to too many values (more than ${MAX_YAML_ALIASES} alias uses)`
      : `cannot be read (${(e as Error)?.message ?? String(e)})`;
    return { ok: false, message: `${why}; write the values out instead of referring to anchors`, range };
  }
}
