import { ConfigError, loadConfig, type Role, readEnvironment, roles } from '@turbozap/shared/config';

// Commands are imported when run, so `migrate` or `--help` never load Baileys or Express.

const roleHelp: Record<Role, string> = {
  api: 'stateless HTTP gateway: auth, validation, rate limit, enqueue, reads, events stream',
  'session-worker': 'owns WhatsApp connections for the instances whose lease it holds',
  'sender-worker': 'drains the send queue, relays and sweeps, delivers webhooks',
  worker: 'session-worker and sender-worker in one process',
  all: 'every role in one process; embedded services when DATABASE_URL/RABBITMQ_URL/REDIS_URL are unset',
};

const usage = `Usage: turbozap <command> [options]

Roles (each serves /health, /ready and /metrics on SERVER_PORT, default 8080):
${roles.map((r) => `  ${r.padEnd(15)} ${roleHelp[r]}`).join('\n')}

Jobs:
  migrate         apply database migrations, then exit (--down reverts the last one)
  keys            create, list and revoke API keys (turbozap keys --help)
  session-keys    status | reseal: rotate the session encryption key (turbozap session-keys --help)
  messages        cancel-pending NAME: cancel an instance's messages not sent yet (turbozap messages --help)
  sim             run the offline WhatsApp Web simulator (--host, --port 7780)

Options for roles: --help; for all: --check-production (print the security checklist).
Configuration comes from the environment and .env (see .env.example).`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help')
    return void process.stdout.write(`${usage}\n`);
  if ((roles as readonly string[]).includes(command)) {
    if (args.includes('--help')) {
      return void process.stdout.write(
        `turbozap ${command}: ${roleHelp[command as Role]}\nSee .env.example for its variables.${command === 'all' ? '\n  --check-production  print the production checklist for this configuration' : ''}\n`,
      );
    }
    // The configuration is checked before anything heavy loads: a bad one fails at once.
    const config = loadConfig(command as Role, readEnvironment());
    return (await import('./run-role.ts')).runRole(config, { checkProduction: args.includes('--check-production') });
  }
  if (command === 'migrate') {
    if (args.includes('--help'))
      return void process.stdout.write(
        'turbozap migrate [--down] [--embedded]: apply migrations to DATABASE_URL, then exit\n',
      );
    return (await import('./commands/migrate.ts')).migrateCommand(args);
  }
  if (command === 'keys') return (await import('./commands/keys.ts')).keysCommand(args);
  if (command === 'session-keys') return (await import('./commands/session-keys.ts')).sessionKeysCommand(args);
  if (command === 'messages') return (await import('./commands/messages.ts')).messagesCommand(args);
  if (command === 'sim') {
    if (args.includes('--help'))
      return void process.stdout.write('turbozap sim [--host 127.0.0.1] [--port 7780]: the WhatsApp Web simulator\n');
    return (await import('./commands/sim.ts')).simCommand(args);
  }
  process.stderr.write(`unknown command: ${command}\n\n${usage}\n`);
  process.exit(2);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`turbozap: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`turbozap: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
