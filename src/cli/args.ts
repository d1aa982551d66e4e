// One way for every verb to read its flags: strict parsing, `--help`, and a one-line CliError naming the verb.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;
type Flags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: O }>>['values'];

/** The verb's flags, or undefined when `--help`/`-h` was asked for (the help text is then printed). */
export function parseVerbFlags<O extends Options>(verb: string, argv: string[], options: O, help: string): Flags<O> | undefined {
  let values: Flags<O>;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options }));
  } catch (e) {
    throw new CliError(`${verb}: ${(e as Error).message.split('\n')[0]}`);
  }
  if ((values as Record<string, unknown>).help) {
    console.log(help);
    return undefined;
  }
  return values;
}

type FlagsWithPositionals<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: true; options: O }>>['values'];

/** Flags plus exactly one positional argument (`what` names it in the error), or undefined after `--help`. */
export function parseVerbFlagsAndFile<O extends Options>(verb: string, argv: string[], options: O, help: string, what: string): { values: FlagsWithPositionals<O>; file: string } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options });
  } catch (e) {
    throw new CliError(`${verb}: ${(e as Error).message.split('\n')[0]}\n${help}`);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    console.log(help);
    return undefined;
  }
  if (parsed.positionals.length !== 1) throw new CliError(`${verb}: expected one ${what}\n${help}`);
  return { values: parsed.values, file: parsed.positionals[0] };
}
