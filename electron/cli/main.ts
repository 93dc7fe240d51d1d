import { Command, CommanderError } from 'commander';
import { CairnError, describeError } from '../engine/errors';
import { registerBackup } from './commands/backup';
import { registerList } from './commands/list';
import { registerPlan } from './commands/plan';
import { registerRestore } from './commands/restore';
import { registerVerify } from './commands/verify';
import { registerPrune } from './commands/prune';
import { registerPin } from './commands/pin';
import { registerImport } from './commands/import';
import { registerLog } from './commands/log';
import { registerMetrics } from './commands/metrics';
import { registerServe } from './commands/serve';
import { registerStatus } from './commands/status';
import { registerDrive } from './commands/drive';
import { registerDbSource } from './commands/dbsource';
import { CliContext, type GlobalOptions } from './context';

/** Builds the `cairn` command tree (DESIGN.md section 9). */
export function buildProgram(): { program: Command; context: () => CliContext } {
  const program = new Command('cairn');
  let ctx: CliContext | null = null;
  const context = () => (ctx ??= new CliContext(program.opts<GlobalOptions>()));
  program
    .description('Cairn: daily, browsable, deduplicated backups of your folders')
    .option('--data-dir <dir>', 'where the catalog lives (default: $CAIRN_DATA_DIR or the app data folder)')
    .option('--json', 'print one JSON document on stdout')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlan(program, context);
  registerBackup(program, context);
  registerList(program, context);
  registerRestore(program, context);
  registerVerify(program, context);
  registerPrune(program, context);
  registerPin(program, context);
  registerImport(program, context);
  registerStatus(program, context);
  registerMetrics(program, context);
  registerLog(program, context);
  registerServe(program, context);
  registerDrive(program, context);
  registerDbSource(program, context);
  for (const c of program.commands) c.exitOverride();
  return { program, context };
}

/** Runs the CLI and returns its exit code; errors are one plain sentence on stderr. */
export async function main(argv: string[]): Promise<number> {
  const { program, context } = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context().exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    const msg =
      e instanceof CairnError ? e.message : `Cairn stopped on an unexpected error: ${describeError(e)}`;
    if (context().json)
      process.stdout.write(
        JSON.stringify({ error: { code: e instanceof CairnError ? e.code : 'internal', message: msg } }) +
          '\n',
      );
    process.stderr.write(msg + '\n');
    if (!(e instanceof CairnError) && process.env.CAIRN_DEBUG)
      process.stderr.write(String((e as Error).stack) + '\n');
    return 2;
  } finally {
    context().close();
  }
}

// If the event loop ever empties before main() settles, the process must not report success.
process.exitCode = 2;
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Cairn stopped on an unexpected error: ${describeError(e)}\n`);
    process.exitCode = 2;
  },
);
