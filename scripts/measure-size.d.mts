export function measure(entry: string): Promise<{ minified: number; gzip: number }>;
