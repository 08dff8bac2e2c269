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
