import t from 'tap';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths.js';
import { route, stateAfter } from '../../src/routing/evaluate.js';
import { loadRulesDirectory } from '../../src/routing/rules-catalog.js';
import type { RoutingFacts } from '../../src/routing/facts.js';
import type { Customer } from '../../src/customers/schemas.js';
import { facts } from './helpers.js';

const EXAMPLES = path.join(projectRoot(), 'routing-rules');
const { catalog } = loadRulesDirectory(EXAMPLES);
if (!catalog) throw new Error('the example rules do not load');

// Tuesday 2026-11-24 10:00 in Shanghai (UTC+8), and 23:30 the same day.
const DAY = new Date('2026-11-24T02:00:00Z');
const NIGHT = new Date('2026-11-24T15:30:00Z');

interface Case {
  name: string;
  facts: RoutingFacts;
  now?: Date;
  rule: string;
  queue: string;
  priority: number;
  skills: Record<string, number>;
}

const platinum: Partial<Customer> = { tier: 'platinum' };
const cases: Case[] = [
  { name: 'a recognised platinum customer', facts: facts({ queue: 'sales' }, platinum), rule: 'vip', queue: 'vip', priority: 120, skills: { vip: 1 } },
  { name: 'the IVR sent the call to vip', facts: facts({ queue: 'vip' }), rule: 'vip', queue: 'vip', priority: 120, skills: { vip: 1 } },
  { name: 'an unmatched caller with a platinum-looking nothing', facts: facts({ queue: 'support' }), rule: 'default', queue: 'support', priority: 0, skills: {} },
  { name: 'English sales by day', facts: facts({ queue: 'sales' }), rule: 'sales', queue: 'sales', priority: 0, skills: { 'lang:en': 5 } },
  { name: 'Chinese sales by day', facts: facts({ queue: 'sales', language: 'zh' }), rule: 'sales-chinese', queue: 'sales', priority: 0, skills: { 'lang:zh': 5 } },
  { name: 'sales at night goes to support', facts: facts({ queue: 'sales', language: 'zh' }), now: NIGHT, rule: 'sales-after-hours', queue: 'support', priority: 0, skills: {} },
  { name: 'sales on Sunday goes to support', facts: facts({ queue: 'sales' }), now: new Date('2026-11-22T04:00:00Z'), rule: 'sales-after-hours', queue: 'support', priority: 0, skills: {} },
  { name: 'a repeat caller who abandoned', facts: facts({ queue: 'support', callsLast24h: 2, lastCallAbandoned: true }), rule: 'returning-abandoned', queue: 'support', priority: 120, skills: {} },
  { name: 'a repeat caller who abandoned, no IVR queue', facts: facts({ callsLast24h: 1, lastCallAbandoned: true }), rule: 'returning-abandoned', queue: 'support', priority: 120, skills: {} },
  { name: 'abandoned but for billing keeps billing', facts: facts({ queue: 'billing', callsLast24h: 1, lastCallAbandoned: true }), rule: 'billing', queue: 'billing', priority: 0, skills: { billing: 5 } },
  { name: 'a repeat caller whose last call was answered', facts: facts({ queue: 'support', callsLast24h: 3 }), rule: 'default', queue: 'support', priority: 0, skills: {} },
  { name: 'Chinese billing', facts: facts({ queue: 'billing', language: 'zh' }), rule: 'billing-chinese', queue: 'billing', priority: 0, skills: { billing: 5, 'lang:zh': 5 } },
  { name: 'a customer with open tickets', facts: facts({ queue: 'support', openTickets: 2 }, { tier: 'gold' }), rule: 'support-open-tickets', queue: 'support', priority: 30, skills: { support: 7 } },
  { name: 'open tickets without a match do not count', facts: facts({ queue: 'support', openTickets: 2 }), rule: 'default', queue: 'support', priority: 0, skills: {} },
  { name: 'Chinese support', facts: facts({ queue: 'support', language: 'zh' }), rule: 'support-chinese', queue: 'support', priority: 0, skills: { 'lang:zh': 5 } },
];

t.test('route picks the first matching rule and its target', async (t) => {
  for (const c of cases) {
    const decision = route(catalog, c.facts, c.now ?? DAY);
    t.match({ rule: decision.rule, queue: decision.queue.name, priority: decision.priority }, { rule: c.rule, queue: c.queue, priority: c.priority }, c.name);
    t.same(decision.skills, c.skills, `${c.name}: skills`);
  }
});

t.test('route resolves queues with defaults and escalation queues', async (t) => {
  const decision = route(catalog, facts({ queue: 'sales', language: 'zh' }), DAY);
  t.equal(decision.queue.serviceLevelSeconds, 20);
  t.equal(decision.queue.strategy, 'longest_idle');
  t.same(
    decision.escalations.map((step) => ({ ...step, queue: 'queue' in step ? step.queue.name : undefined })),
    [
      { after: 60, action: 'relax', skill: 'lang:zh', level: 0, queue: undefined },
      { after: 120, action: 'overflow', queue: 'support' },
    ],
  );
  const billing = catalog.queue('billing');
  t.equal(billing?.maxLength, 100, 'default max length');
  t.equal(billing?.ringTimeoutSeconds, 15, 'default ring timeout');
  t.same(billing?.announcements, { onEntry: true, everySeconds: 60, position: true, estimatedWait: true });
});

t.test('stateAfter applies the ladder up to a wait', async (t) => {
  const decision = route(catalog, facts({ queue: 'sales', language: 'zh' }), DAY);
  t.same(stateAfter(decision, 0), { queues: [decision.queue], skills: { 'lang:zh': 5 }, offerCallback: false, voicemail: false });
  t.same(stateAfter(decision, 60).skills, {}, 'language relaxed after 60 s');
  t.same(stateAfter(decision, 119).queues.map((q) => q.name), ['sales']);
  t.same(stateAfter(decision, 120).queues.map((q) => q.name), ['support'], 'overflow after 120 s');
  const vip = route(catalog, facts({ queue: 'vip' }), DAY);
  t.same(stateAfter(vip, 100).queues.map((q) => q.name), ['vip', 'support'], 'add_queue keeps the first queue');
  t.equal(stateAfter(vip, 240).offerCallback, true);
  const billing = route(catalog, facts({ queue: 'billing', language: 'zh' }), DAY);
  t.same(stateAfter(billing, 200).skills, { billing: 1 });
});

t.test('route is pure: same input, same output; facts are not changed', async (t) => {
  const input = facts({ queue: 'sales', language: 'zh' });
  const before = JSON.stringify({ ...input, tags: [...input.tags] });
  t.same(route(catalog, input, DAY), route(catalog, input, DAY));
  t.equal(JSON.stringify({ ...input, tags: [...input.tags] }), before);
});
