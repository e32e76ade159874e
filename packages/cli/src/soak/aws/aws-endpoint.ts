/**
 * Whether calls would reach AWS itself: no custom endpoint (the SDK then talks to AWS), or an
 * endpoint on an AWS domain. A soak there creates billed resources, so it must be asked for.
 */
export function reachesRealAws(endpoint: string | undefined): boolean {
  if (endpoint === undefined || endpoint.trim() === '') return true;
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false; // not a URL: the SDK will refuse it before any resource is created
  }
  return (
    host.endsWith('.amazonaws.com') ||
    host.endsWith('.amazonaws.com.cn') ||
    host.endsWith('.api.aws') ||
    host === 'amazonaws.com'
  );
}
