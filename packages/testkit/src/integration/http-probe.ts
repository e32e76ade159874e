/** Small HTTP helpers for talking to an emulator's own (non-AWS) endpoints. */

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

/** One request with a deadline; `undefined` when nothing answered in time. */
export async function probe(url: string, init: RequestInit = {}, timeoutMs = 2_000): Promise<ProbeResult | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The base URL without a trailing slash, so paths can be appended. */
export const baseUrl = (endpoint: string): string => endpoint.replace(/\/+$/, '');

/**
 * Whether the endpoint points at AWS itself. Nothing here ever wipes such an endpoint, whatever
 * the environment claims.
 */
export function isRealAws(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn') || host.endsWith('.api.aws');
  } catch {
    return false;
  }
}
