/** Pieces the client processes of the benchmarks share. */

/** Runs `work` over `items`, `concurrency` at a time; counts failures, keeps the first error. */
export async function pooled<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<{ ok: number; failed: number; firstError?: string; ms: number }> {
  const started = performance.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          await work(item);
          ok += 1;
        } catch (error) {
          failed += 1;
          firstError ??= String(error);
        }
      }
    }),
  );
  return { ok, failed, ...(firstError ? { firstError } : {}), ms: Math.round(performance.now() - started) };
}

/** Logs a user in over the REST API; answers the session cookie (`name=value`). */
export async function loginCookie(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = response.headers.get('set-cookie');
  await response.arrayBuffer();
  if (response.status !== 200 || !cookie) throw new Error(`login of ${username}: ${response.status}`);
  return cookie.split(';')[0]!;
}
