/** Client networks, so guessing spread over many addresses of one network shows as one. */
import { isIPv6 } from 'node:net';

/**
 * An IPv4 address as it is; an IPv6 address as its /64 (`2001:db8:4::/64`), written as
 * ClickHouse's cutIPv6 writes it, so the SQLite and ClickHouse queries group alike.
 */
export function clientNet(ip: string): string {
  if (ip.includes('%') || !isIPv6(ip)) return ip;
  // A mapped IPv4 address keeps its address (as ClickHouse does).
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return `${ip.toLowerCase()}/64`;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail is two groups, but lies in the host half: only the first four count.
  const groups = tail === null ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const first = groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  while (first.length > 0 && first[first.length - 1] === '0') first.pop();
  return `${first.join(':')}::/64`;
}
