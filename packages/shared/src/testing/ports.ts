import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The kernel hands out ports for outgoing connections from its ephemeral range. A port picked
 * with listen(0) comes from that range too, so between the pick and a child process's bind any
 * outgoing connection (tests open thousands) may take it. Ports below the range are never
 * handed out that way.
 */
function pickRange(): [number, number] {
  let low = 32_768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: the IANA default
  }
  return [Math.max(1_024, low - 12_000), low];
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A loopback port for a child process to listen on: free now, outside the ephemeral range, random so parallel suites differ. */
export async function freePort(): Promise<number> {
  const [low, high] = pickRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port in ${low}-${high}`);
}
