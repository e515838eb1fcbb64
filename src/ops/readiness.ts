/** A dependency Ringside needs to serve calls; `probe` rejects when it is not usable. */
export interface ReadinessCheck {
  name: string;
  probe: () => Promise<void>;
}

interface CheckResult {
  ok: boolean;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const PROBE_TIMEOUT_MS = 2000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check at once; one slow dependency cannot hold the answer past the timeout. */
export async function checkReadiness(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check): Promise<[string, CheckResult]> => {
      try {
        await withTimeout(check.probe(), PROBE_TIMEOUT_MS);
        return [check.name, { ok: true }];
      } catch (error) {
        // Only the message: a driver error object may carry connection details.
        return [check.name, { ok: false, error: error instanceof Error ? error.message : String(error) }];
      }
    }),
  );
  const report: Record<string, CheckResult> = Object.fromEntries(results);
  return { ready: results.every(([, result]) => result.ok), checks: report };
}
