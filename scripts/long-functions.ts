// Lists the functions longer than a limit (default 120 lines), longest first: the house rule is
// "no function over 120 lines" (test/unit/architecture/function-length.test.ts holds it for src/).
// A function's length is its whole text, nested closures included, from its first to its last line.
// Usage: node --import tsx scripts/long-functions.ts [--limit N] [folder…]   (default folder: src)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface LongFunction {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  // `const f = () => …` / `x: () => …`: the name it is bound to.
  const parent = node.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  )
    return parent.name.getText(sf);
  return '(anonymous)';
}

/** Every function-like node of the file with more than `limit` lines. */
export function longFunctionsIn(file: string, text: string, limit: number): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > limit) out.push({ file, name: nameOf(node, sf), line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The functions over `limit` lines in the .ts files below `folders` (paths relative to `root`), longest first. */
export function longFunctions(root: string, folders: string[], limit = 120): LongFunction[] {
  return folders
    .flatMap((f) => sourceFiles(join(root, f)))
    .flatMap((p) => longFunctionsIn(relative(root, p), readFileSync(p, 'utf8'), limit))
    .sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] && /long-functions\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--limit');
  const limit = at >= 0 ? Number(args.splice(at, 2)[1]) : 120;
  const found = longFunctions(process.cwd(), args.length ? args : ['src'], limit);
  for (const f of found) console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`);
  console.log(found.length ? `${found.length} function(s) over ${limit} lines` : `no function over ${limit} lines`);
}
