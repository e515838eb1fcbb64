import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's recommendation); the hash carries its
// parameters, so raising them later still verifies old hashes.

export const hashPassword = (password: string): Promise<string> => hash(password);

/** False for a wrong password and for a hash that cannot be read (never throws on bad stored data). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

const dummy = (): Promise<string> => (dummyHash ??= hash('ringside: no such user: dummy password'));

/** Computes the dummy hash ahead, so that not even the first unknown username answers slower than a known one. */
export function prepareDummyHash(): void {
  void dummy();
}

/**
 * Spends the time of a real verification for a username that does not exist,
 * so the answer's timing does not tell an attacker which usernames do.
 */
export async function verifyNobody(password: string): Promise<false> {
  await verifyPassword(await dummy(), password);
  return false;
}
