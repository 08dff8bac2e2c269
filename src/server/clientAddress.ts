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
 * The network an address counts under: an IPv4 address itself (also when IPv4-mapped), an IPv6
 * address's /64, which one subscriber usually holds whole. Anything else as given.
 */
export function networkOf(address: string): string {
  const plain = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (v4) return v4[1] as string;
  if (!/^[0-9a-f:.]+$/.test(plain) || !plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::', 2);
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}
