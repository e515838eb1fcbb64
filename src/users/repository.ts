import { hash } from '@node-rs/argon2';
import type { Queryable } from '../db/queryable.js';

export type Role = 'agent' | 'supervisor' | 'admin';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  defaultEndpoint?: string;
  /** Skill name → level 1..10, e.g. { billing: 7, 'lang:zh': 10 }. */
  skills?: Record<string, number>;
}

export const hashPassword = (password: string): Promise<string> => hash(password);

/** Creates the user unless the username exists; returns the id either way. */
export async function ensureUser(db: Queryable, user: NewUser): Promise<number> {
  const passwordHash = await hashPassword(user.password);
  const { rows } = await db.query<{ id: number }>(
    `WITH inserted AS (
       INSERT INTO users (username, display_name, role, password_hash, default_endpoint)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id)
     SELECT id FROM inserted UNION ALL SELECT id FROM users WHERE username = $1`,
    [user.username, user.displayName, user.role, passwordHash, user.defaultEndpoint ?? null],
  );
  const id = rows[0]!.id;
  const skills = Object.entries(user.skills ?? {});
  if (skills.length > 0) {
    await db.query(
      `INSERT INTO user_skills (user_id, skill, level) SELECT $1, * FROM unnest($2::text[], $3::smallint[])
       ON CONFLICT (user_id, skill) DO NOTHING`,
      [id, skills.map(([skill]) => skill), skills.map(([, level]) => level)],
    );
  }
  return id;
}
