import type { Queryable } from '../db/queryable.js';
import type { AgentContact } from './dispatcher.js';
import type { AgentProfile } from './types.js';

export interface DirectoryAgent extends AgentContact, AgentProfile {}

/**
 * Agents as the ACD needs them: phone endpoint, skills with levels, and the
 * queues they serve. Until queue membership has its own table, an agent
 * serves every queue named like one of their skills (a `support` skill
 * serves the `support` queue).
 */
export async function loadAgents(db: Queryable, queueNames: readonly string[]): Promise<DirectoryAgent[]> {
  const { rows } = await db.query<{ id: number; display_name: string; default_endpoint: string | null; skills: Record<string, number> | null }>(
    `SELECT u.id, u.display_name, u.default_endpoint,
            (SELECT jsonb_object_agg(s.skill, s.level) FROM user_skills s WHERE s.user_id = u.id) AS skills
     FROM users u WHERE u.role = 'agent' AND u.active ORDER BY u.id`,
  );
  return rows
    .filter((row) => row.default_endpoint !== null)
    .map((row) => {
      const skills = row.skills ?? {};
      return {
        agentId: String(row.id),
        displayName: row.display_name,
        endpoint: row.default_endpoint!,
        skills,
        queues: queueNames.filter((queue) => skills[queue] !== undefined),
      };
    });
}
