// The socket address of requests that came through `toNodeHandler`: a Fetch-API Request has no
// place for it, and a header would be forgeable.
const addresses = new WeakMap<Request, string>();

export function rememberClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/** The client's socket address, when the request came through `toNodeHandler`. */
export function clientAddressOf(request: Request): string | undefined {
  return addresses.get(request);
}

/**
 * The network an address counts under: an IPv4 address (also with a port, IPv4-mapped or behind
 * NAT64), an IPv6 address's /64, which one subscriber usually holds whole. Anything else as given.
 */
export function networkOf(address: string): string {
  let plain = address.trim().toLowerCase();
  plain = /^\[([^\]]+)\](?::\d+)?$/.exec(plain)?.[1] ?? plain;
  plain = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(plain)?.[1] ?? plain;
  plain = plain.replace(/%.*$/, '');
  if (!plain.includes(':')) return plain;
  const groups = ipv6Groups(plain);
  if (!groups) return plain;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  // ::ffff:0:0/96 (IPv4-mapped) and 64:ff9b::/96 (NAT64): the IPv4 client inside.
  if ((zeros(0, 5) && groups[5] === 0xffff) || (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6))) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, or `undefined` when it is not one. */
function ipv6Groups(text: string): number[] | undefined {
  let hex = text;
  // A dotted IPv4 tail is the last two groups.
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hex);
  if (tail) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.slice(1).map(Number);
    hex = `${hex.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string | undefined) => (part ? part.split(':') : []);
  const left = split(halves[0]);
  const right = split(halves[1]);
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}
