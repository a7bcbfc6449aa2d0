import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound fetch (media URL, webhook) must not reach unless private targets are
 * allowed: loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * multicast, reserved and documentation ranges, and IPv6 forms that tunnel or embed IPv4.
 */
const ipv4Blocked: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const ipv6Blocked: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  // IPv4-compatible (deprecated) and NAT64 / 6to4 / Teredo: they can embed a private IPv4.
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const blocked = new BlockList();
for (const [net, prefix] of ipv4Blocked) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of ipv6Blocked) blocked.addSubnet(net, prefix, 'ipv6');

/** Strips the brackets a URL puts around an IPv6 host and any zone id (`fe80::1%eth0`). */
export function normalizeIp(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = bare.indexOf('%');
  return zone === -1 ? bare : bare.slice(0, zone);
}

/**
 * True for any address outside the public unicast internet. IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`) are judged by their IPv4 part. A string that is not an IP is refused too.
 */
export function isPrivateAddress(address: string): boolean {
  // A zone id only makes sense for link-local and other non-global addresses.
  if (address.includes('%')) return true;
  const ip = normalizeIp(address);
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) return blocked.check(ip, 'ipv6');
  return true;
}
