#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=160
/**
 * The authlog entry point: the only place that prints errors and exits.
 */
import { AuthlogError, INTERNAL_EXIT, asUserError } from '../errors.js';
import { sanitize } from '../util/sanitize.js';
import type { CommandIO } from './io.js';
import { packageVersion } from './paths.js';

const HELP = `authlog: why is this server answering 401?

Usage: authlog <command> [options]

Commands:
  ingest PATH...     read access/error/debug logs (files, directories, .gz, - for stdin) into the database
  events [PATH...]   list every 401 and 403 with its cause, evidence and fix
  report [PATH...]   causes, shares, top clients/users/paths, timeline, brute-force suspects
  follow PATH...     follow files and directories like tail -F, classifying 401/403s as they happen
  live -             the same for a pipe: tail -f access.log | authlog (no command needed)
  doctor [PATH...]   the few findings that explain most 401s, with fixes and commands to confirm them
  tui                triage over the database: causes, clients, events, evidence; mark what is expected
  suppress list|add|remove   the triage marks (left out of reports unless --all)
  query NAME         run a named query from queries/ (--list to see them)
  wordpress install|check PATH   authlog's WordPress plugin that proves login, nonce and cookie failures
  ship --to URL      send new verdicts and counts to a fleet store (ClickHouse); reports read it with --store URL

Options for every command:
  --db PATH          database (default: $AUTHLOG_DB, else \${XDG_DATA_HOME:-~/.local/share}/authlog/authlog.db)
  -h, --help         help for a command
  -V, --version      print the version

Run 'authlog <command> --help' for a command's options; 'authlog events --help' lists the causes.
`;

type Command = (io: CommandIO, argv: string[]) => Promise<number>;
// Each command's modules load when it runs: Ink and React alone took `authlog --version`
// (and the start of `tail -f | authlog`) to 0.9 s.
const COMMANDS: Record<string, () => Promise<Command>> = {
  ingest: async () => (await import('./commands/ingest.js')).runIngest,
  events: async () => (await import('./commands/events.js')).runEvents,
  report: async () => (await import('./commands/report.js')).runReport,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  query: async () => (await import('./commands/query.js')).runQuery,
  wordpress: async () => (await import('./commands/wordpress.js')).runWordpress,
  suppress: async () => (await import('./commands/suppress.js')).runSuppress,
  tui: async () => (await import('./commands/tui.js')).runTui,
  ship: async () => (await import('./commands/ship.js')).runShip,
  live: async () => (io, argv) => runLive(io, argv, 'live'),
  follow: async () => (io, argv) => runLive(io, argv, 'follow'),
};

async function runLive(io: CommandIO, argv: string[], mode: 'live' | 'follow'): Promise<number> {
  return (await import('./commands/live.js')).runLive(io, argv, mode);
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [first, ...rest] = argv;
  // `tail -f access.log | authlog`: no command, a pipe on stdin.
  if ((first === undefined || first.startsWith('--')) && first !== '--help' && first !== '--version' && (io.stdin as NodeJS.ReadStream).isTTY !== true) {
    return runLive(io, argv, 'live');
  }
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`authlog ${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) throw new AuthlogError('bad_option', `unknown command "${first}" (try authlog --help)`);
  return (await command())(io, rest);
}

const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
// A closed pipe (authlog events | head) is a normal way to stop reading.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const known = e instanceof AuthlogError ? e : asUserError(e);
    if (known) {
      // Messages echo paths and values the user gave: sanitised, one line.
      process.stderr.write(`authlog: ${sanitize(known.message)}\n`);
      process.exitCode = known.exitCode;
    } else {
      process.stderr.write(`authlog: internal error: ${(e as Error)?.stack ?? String(e)}\nThis is a bug in authlog: please report it with the command you ran and the lines above.\n`);
      process.exitCode = INTERNAL_EXIT;
    }
  },
);
