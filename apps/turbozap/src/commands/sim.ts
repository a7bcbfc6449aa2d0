import { parseArgs } from 'node:util';
import { runSimulator } from '@turbozap/wa-sim';

/** `turbozap sim [--host 127.0.0.1] [--port 7780]`: the offline WhatsApp Web simulator. */
export async function simCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { host: { type: 'string' }, port: { type: 'string' } } });
  const port = Number(values.port ?? 7780);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const sim = await runSimulator({ host: values.host ?? '127.0.0.1', port });
  process.stdout.write(`WhatsApp simulator on ${sim.url} (WebSocket ${sim.wsUrl}); control API under ${sim.url}/sim\n`);
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
