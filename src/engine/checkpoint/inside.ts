// Containment of file names a checkpoint's own metadata gives us (shard names in an index file).
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Whether `name` resolves to a path strictly inside `dir`: a path relation, not a string prefix (`../dir-evil` is outside `dir`). */
export function isInside(dir: string, name: string): boolean {
  const rel = relative(resolve(dir), resolve(dir, name));
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}
