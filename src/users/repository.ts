import { hashPassword } from '../auth/passwords.js';
import { pgErrorCode, UNIQUE_VIOLATION, type Queryable } from '../db/queryable.js';
import { conflict } from '../errors.js';
import type { User } from './schemas.js';

export { hashPassword };

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

/** What a login needs: the hash stays inside the auth code, never in an API answer. */
export interface LoginRecord {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  passwordHash: string;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  default_endpoint: string | null;
  active: boolean;
  skills: Record<string, number> | null;
  created_at: Date;
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.default_endpoint, u.active, u.created_at,
  (SELECT jsonb_object_agg(s.skill, s.level) FROM user_skills s WHERE s.user_id = u.id) AS skills`;

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  defaultEndpoint: row.default_endpoint,
  active: row.active,
  skills: row.skills ?? {},
  createdAt: row.created_at.toISOString(),
});

async function insertSkills(db: Queryable, userId: number, skills: Record<string, number> | undefined): Promise<void> {
  const entries = Object.entries(skills ?? {});
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO user_skills (user_id, skill, level) SELECT $1, * FROM unnest($2::text[], $3::smallint[])
     ON CONFLICT (user_id, skill) DO NOTHING`,
    [userId, entries.map(([skill]) => skill), entries.map(([, level]) => level)],
  );
}

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
  await insertSkills(db, id, user.skills);
  return id;
}

/** Creates a new user; 409 conflict when the username is taken. Run inside a transaction (user and skills together). */
export async function createUser(db: Queryable, user: NewUser): Promise<User> {
  const passwordHash = await hashPassword(user.password);
  let id: number;
  try {
    const { rows } = await db.query<{ id: number }>(
      'INSERT INTO users (username, display_name, role, password_hash, default_endpoint) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [user.username, user.displayName, user.role, passwordHash, user.defaultEndpoint ?? null],
    );
    id = rows[0]!.id;
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION) throw conflict(`a user named ${user.username} already exists`);
    throw error;
  }
  await insertSkills(db, id, user.skills);
  return (await getUser(db, id))!;
}

export async function getUser(db: Queryable, id: number): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function getUserByUsername(db: Queryable, username: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = $1`, [username]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`);
  return rows.map(toUser);
}

export async function findLoginRecord(db: Queryable, username: string): Promise<LoginRecord | null> {
  const { rows } = await db.query<{ id: number; username: string; display_name: string; role: Role; active: boolean; password_hash: string }>(
    'SELECT id, username, display_name, role, active, password_hash FROM users WHERE username = $1',
    [username],
  );
  const row = rows[0];
  return row ? { id: row.id, username: row.username, displayName: row.display_name, role: row.role, active: row.active, passwordHash: row.password_hash } : null;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  active?: boolean;
  defaultEndpoint?: string | null;
  password?: string;
}

/** Applies the given changes; null when there is no such user. */
export async function updateUser(db: Queryable, id: number, changes: UserChanges): Promise<User | null> {
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  const { rowCount } = await db.query(
    `UPDATE users SET
       display_name = COALESCE($2, display_name),
       role = COALESCE($3, role),
       active = COALESCE($4, active),
       default_endpoint = CASE WHEN $5::boolean THEN $6 ELSE default_endpoint END,
       password_hash = COALESCE($7, password_hash),
       updated_at = now()
     WHERE id = $1`,
    [id, changes.displayName ?? null, changes.role ?? null, changes.active ?? null, changes.defaultEndpoint !== undefined, changes.defaultEndpoint ?? null, passwordHash ?? null],
  );
  return rowCount === 0 ? null : getUser(db, id);
}
