import { CliError } from '../errors';

export async function run(_argv: string[]): Promise<number> {
  throw new CliError('tokenize: not built yet');
}
