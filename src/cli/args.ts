// One way for every verb to read its flags: strict parsing, `--help`, and a one-line CliError naming the verb.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;
type Flags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; strict: true; allowPositionals: true; options: O }>
>['values'];

/** Flags and positionals, or undefined when `--help`/`-h` was asked for (the help text is then printed). */
function parseOrHelp<O extends Options>(
  verb: string,
  argv: string[],
  options: O,
  help: string,
  positionals: boolean,
): { values: Flags<O>; positionals: string[] } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: positionals, options });
  } catch (e) {
    // Verbs that take a file repeat their usage: the mistake is often where the file goes.
    throw new CliError(`${verb}: ${(e as Error).message.split('\n')[0]}${positionals ? `\n${help}` : ''}`);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    console.log(help);
    return undefined;
  }
  return { values: parsed.values as Flags<O>, positionals: parsed.positionals };
}

/** The verb's flags (no positional arguments), or undefined after `--help`. */
export function parseVerbFlags<O extends Options>(
  verb: string,
  argv: string[],
  options: O,
  help: string,
): Flags<O> | undefined {
  return parseOrHelp(verb, argv, options, help, false)?.values;
}

/** Flags plus exactly one positional argument (`what` names it in the error), or undefined after `--help`. */
export function parseVerbFlagsAndFile<O extends Options>(
  verb: string,
  argv: string[],
  options: O,
  help: string,
  what: string,
): { values: Flags<O>; file: string } | undefined {
  const parsed = parseOrHelp(verb, argv, options, help, true);
  if (!parsed) return undefined;
  if (parsed.positionals.length !== 1) throw new CliError(`${verb}: expected one ${what}\n${help}`);
  return { values: parsed.values, file: parsed.positionals[0] };
}
