/**
 * The `torchts` program: parse, run, and map failures to exit statuses: 0 done, 2 a bad command
 * line or settings (commander's message, or `error: ...`), 1 a failure while running (the
 * exception's type and message; PyTorch's Python type for a TorchError).
 */
import { TorchError } from '../index';
import { parseArgs } from './args';
import { UsageError } from './config';
import { evaluate } from './evaluate';
import { train } from './train';

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  try {
    if (parsed.command === 'exit') return parsed.code;
    if (parsed.command === 'train') await train(parsed.config, parsed.given);
    else await evaluate(parsed.config, parsed.given);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const type = err instanceof TorchError ? err.python_type : err.name;
    process.stderr.write(`torchts: ${type}: ${err.message}\n`);
    if (process.env.TORCHTS_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
