import type { NewUser } from '../users/repository.js';

/** Shared by every demo login; printed at demo start. Demo databases only. */
export const DEMO_PASSWORD = 'ringside-demo';

const AGENTS: Array<[string, string, Record<string, number>]> = [
  ['li.na', 'Li Na 李娜', { support: 8, billing: 5, 'lang:zh': 10, 'lang:en': 6 }],
  ['wang.wei', 'Wang Wei 王伟', { sales: 7, support: 4, 'lang:zh': 10 }],
  ['zhang.min', 'Zhang Min 张敏', { billing: 9, vip: 6, 'lang:zh': 10, 'lang:en': 7 }],
  ['alice', 'Alice Morgan', { support: 7, sales: 5, 'lang:en': 10 }],
  ['bob', 'Bob Fischer', { billing: 6, support: 5, 'lang:en': 9, 'lang:de': 10 }],
  ['chloe', 'Chloé Martin', { sales: 8, vip: 7, 'lang:fr': 10, 'lang:en': 8 }],
  ['dev', 'Dev Patel', { support: 9, vip: 8, 'lang:en': 10 }],
  ['emma', 'Emma Clarke', { billing: 7, sales: 6, 'lang:en': 10 }],
];

export function demoUsers(): NewUser[] {
  return [
    { username: 'admin', displayName: 'Demo Admin', role: 'admin', password: DEMO_PASSWORD },
    { username: 'supervisor', displayName: 'Sam Supervisor', role: 'supervisor', password: DEMO_PASSWORD },
    ...AGENTS.map(([username, displayName, skills], index): NewUser => ({
      username,
      displayName,
      role: 'agent',
      password: DEMO_PASSWORD,
      defaultEndpoint: `PJSIP/${1001 + index}`,
      skills,
    })),
  ];
}
