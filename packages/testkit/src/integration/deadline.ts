/**
 * PROMISE's outcome, or an error saying `message` once timeoutMs have passed. The work itself is
 * not cancelled (testcontainers' calls take no signal); the caller stops waiting for it.
 */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
