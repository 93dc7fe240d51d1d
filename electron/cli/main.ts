import { Command, CommanderError } from 'commander';
import { CairnError, describeError } from '../engine/errors';
import { CliContext, type GlobalOptions } from './context';

type Register = (program: Command, context: () => CliContext) => void;

// Each top-level command's module, loaded only when that command runs (or for the full --help), so that a
// quick `cairn status` does not pay for loading the Drive client, tar and age.
const COMMANDS: Record<string, () => Promise<Register>> = {
  plan: async () => (await import('./commands/plan')).registerPlan,
  backup: async () => (await import('./commands/backup')).registerBackup,
  list: async () => (await import('./commands/list')).registerList,
  show: async () => (await import('./commands/list')).registerList,
  restore: async () => (await import('./commands/restore')).registerRestore,
  undo: async () => (await import('./commands/undo')).registerUndo,
  verify: async () => (await import('./commands/verify')).registerVerify,
  prune: async () => (await import('./commands/prune')).registerPrune,
  remove: async () => (await import('./commands/remove')).registerRemove,
  pin: async () => (await import('./commands/pin')).registerPin,
  unpin: async () => (await import('./commands/pin')).registerPin,
  import: async () => (await import('./commands/import')).registerImport,
  status: async () => (await import('./commands/status')).registerStatus,
  pause: async () => (await import('./commands/pause')).registerPause,
  resume: async () => (await import('./commands/pause')).registerPause,
  metrics: async () => (await import('./commands/metrics')).registerMetrics,
  log: async () => (await import('./commands/log')).registerLog,
  serve: async () => (await import('./commands/serve')).registerServe,
  drive: async () => (await import('./commands/drive')).registerDrive,
  remote: async () => (await import('./commands/remote')).registerRemote,
  dbsource: async () => (await import('./commands/dbsource')).registerDbSource,
  'sweep-trash': async () => (await import('./commands/sweepTrash')).registerSweepTrash,
};

/** The command word in argv (skipping global options), or null. */
export function commandWord(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') i++;
    else if (!a.startsWith('-')) return a;
  }
  return null;
}

/** Builds the `cairn` command tree (DESIGN.md section 9): the command about to run, or all of them. */
export async function buildProgram(argv: string[]): Promise<{ program: Command; context: () => CliContext }> {
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
  const word = commandWord(argv);
  const loaders = word && word in COMMANDS ? [COMMANDS[word]!] : Object.values(COMMANDS);
  const registered = new Set<Register>();
  for (const load of loaders) {
    const register = await load();
    if (registered.has(register)) continue;
    registered.add(register);
    register(program, context);
  }
  for (const c of program.commands) c.exitOverride();
  return { program, context };
}

/** Runs the CLI and returns its exit code; errors are one plain sentence on stderr. */
export async function main(argv: string[]): Promise<number> {
  const { program, context } = await buildProgram(argv);
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
