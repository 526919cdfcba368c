/**
 * Run a CLI module's `main` when the module is the process entry (`tsx cli/x.ts`), not when a test
 * imports it: exit code from `main`, an uncaught error printed with the command's name and exit 1.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function runIfMain(metaUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  const entry = process.argv[1];
  if (entry === undefined || metaUrl !== pathToFileURL(realpathSync(entry)).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${name}: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
