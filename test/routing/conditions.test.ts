import t from 'tap';
import { inWindow, matches } from '../../src/routing/conditions.js';
import { facts } from './helpers.js';

const NOW = new Date('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Shanghai, 03:00 in Paris

t.test('routing fields use the IVR tests', async (t) => {
  const caller = facts({ callsLast24h: 2, lastCallAbandoned: true, openTickets: 0, queue: 'billing' });
  t.ok(matches({ field: 'callsLast24h', gte: 2 }, caller, NOW));
  t.notOk(matches({ field: 'callsLast24h', gt: 2 }, caller, NOW));
  t.ok(matches({ field: 'lastCallAbandoned', equals: true }, caller, NOW));
  t.ok(matches({ field: 'lastCallAbandoned' }, caller, NOW), 'no test: truthy');
  t.ok(matches({ field: 'openTickets' }, caller, NOW), 'as in flows, no test means "has a value other than false or empty": 0 counts; write gte: 1');
  t.ok(matches({ field: 'openTickets', equals: 0 }, caller, NOW));
  t.ok(matches({ field: 'queue', in: ['sales', 'billing'] }, caller, NOW));
  t.notOk(matches({ field: 'queue', exists: true }, facts(), NOW), 'no IVR queue');
  t.ok(matches({ not: { field: 'queue', in: ['sales'] } }, facts(), NOW));
});

t.test('IVR fields: customer, tags, vars, language, dialled', async (t) => {
  const caller = facts({ tags: new Set(['intent:billing']), vars: { account: '12345' }, dialled: '801', language: 'zh' }, { tier: 'gold', doNotCall: true });
  t.ok(matches({ field: 'customer.tier', in: ['gold', 'platinum'] }, caller, NOW));
  t.ok(matches({ field: 'customer.doNotCall', equals: true }, caller, NOW));
  t.ok(matches({ field: 'matched', equals: true }, caller, NOW));
  t.ok(matches({ field: 'tags', contains: 'intent:billing' }, caller, NOW));
  t.ok(matches({ field: 'vars.account', matches: '^[0-9]+$' }, caller, NOW));
  t.ok(matches({ all: [{ field: 'dialled', equals: '801' }, { field: 'language', equals: 'zh' }] }, caller, NOW));
  t.notOk(matches({ any: [{ field: 'customer.tier', equals: 'platinum' }, { field: 'language', equals: 'en' }] }, caller, NOW));
});

t.test('time windows read the clock in their time zone', async (t) => {
  t.ok(inWindow({ timezone: 'Asia/Shanghai', days: ['tue'], from: '09:00', to: '21:00' }, NOW));
  t.notOk(inWindow({ timezone: 'Europe/Paris', from: '09:00', to: '21:00' }, NOW), '03:00 in Paris');
  t.ok(inWindow({ timezone: 'Europe/Paris', days: ['tue'] }, NOW));
  t.notOk(inWindow({ timezone: 'Asia/Shanghai', from: '08:00', to: '10:00' }, NOW), 'to is exclusive');
  t.ok(inWindow({ timezone: 'Asia/Shanghai', dates: ['2026-11-24'] }, NOW));
  t.notOk(inWindow({ timezone: 'America/New_York', dates: ['2026-11-24'] }, NOW), 'still the 23rd in New York');
  t.ok(matches({ time: { timezone: 'Asia/Shanghai', days: ['mon', 'tue'] } }, facts(), NOW));
});
