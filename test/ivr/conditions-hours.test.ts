import t from 'tap';
import { evaluate } from '../../src/ivr/conditions.js';
import type { CallFacts } from '../../src/ivr/facts.js';
import { hoursStatus, localTime } from '../../src/ivr/hours.js';
import type { StepOf } from '../../src/ivr/schema.js';
import type { Customer } from '../../src/customers/schemas.js';

const customer = { id: 7, tier: 'gold', preferredLanguage: 'zh-CN', doNotCall: false, lifetimeValue: 42000, segment: 'smb' } as Customer;
const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  dialled: '800',
  language: 'en',
  callerIdKind: 'valid',
  match: 'one',
  customer,
  vars: { account: '12345678', attempts: 2 },
  tags: new Set(['intent:sales']),
  ...over,
});

t.test('comparisons over call facts', async (t) => {
  const f = facts();
  const cases: Array<[Parameters<typeof evaluate>[0], boolean]> = [
    [{ field: 'matched', equals: true }, true],
    [{ field: 'matched' }, true],
    [{ field: 'customer.tier', in: ['platinum', 'gold'] }, true],
    [{ field: 'customer.tier', notIn: ['gold'] }, false],
    [{ field: 'customer.language', equals: 'zh-CN' }, true],
    [{ field: 'customer.doNotCall', equals: false }, true],
    [{ field: 'customer.lifetimeValue', gte: 42000 }, true],
    [{ field: 'customer.lifetimeValue', gt: 42000 }, false],
    [{ field: 'customer.lifetimeValue', lt: 50000, gt: 1000 }, true],
    [{ field: 'vars.account', matches: '^1234' }, true],
    [{ field: 'vars.account', exists: true }, true],
    [{ field: 'vars.missing', exists: false }, true],
    [{ field: 'vars.attempts', equals: '2' }, true],
    [{ field: 'tags', contains: 'intent:sales' }, true],
    [{ field: 'tags', contains: 'intent:billing' }, false],
    [{ field: 'dialled', notEquals: '801' }, true],
    [{ field: 'callerIdKind', equals: 'withheld' }, false],
    [{ all: [{ field: 'matched', equals: true }, { field: 'customer.tier', equals: 'gold' }] }, true],
    [{ any: [{ field: 'customer.tier', equals: 'platinum' }, { field: 'language', equals: 'en' }] }, true],
    [{ not: { field: 'customer.segment', equals: 'smb' } }, false],
  ];
  for (const [condition, expected] of cases) t.equal(evaluate(condition, f), expected, JSON.stringify(condition));
});

t.test('an unknown caller has no customer fields', async (t) => {
  const unknown = facts({ customer: null, match: 'none', callerIdKind: 'withheld' });
  t.equal(evaluate({ field: 'matched', equals: false }, unknown), true);
  t.equal(evaluate({ field: 'customer.tier', in: ['gold'] }, unknown), false);
  t.equal(evaluate({ field: 'customer.tier', exists: false }, unknown), true);
  t.equal(evaluate({ field: 'customer.lifetimeValue', gte: 0 }, unknown), false, 'no value is not a number');
});

const hours: StepOf<'hours'> = {
  type: 'hours',
  timezone: 'Asia/Shanghai',
  open: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' },
    { days: ['sat'], from: '10:00', to: '12:00' },
  ],
  holidays: ['2026-10-01'],
  whenOpen: 'a',
  whenClosed: 'b',
};

t.test('business hours in the calendar\'s own time zone', async (t) => {
  t.same(localTime(new Date('2026-11-23T01:30:00Z'), 'Asia/Shanghai'), { date: '2026-11-23', day: 'mon', minutes: 9 * 60 + 30 });
  t.equal(hoursStatus(hours, new Date('2026-11-23T01:30:00Z')), 'open', 'Monday 09:30 in Shanghai');
  t.equal(hoursStatus(hours, new Date('2026-11-23T00:59:00Z')), 'closed', 'Monday 08:59');
  t.equal(hoursStatus(hours, new Date('2026-11-23T10:00:00Z')), 'closed', '18:00 is closing time');
  t.equal(hoursStatus(hours, new Date('2026-11-23T09:59:00Z')), 'open', '17:59');
  t.equal(hoursStatus(hours, new Date('2026-11-28T02:30:00Z')), 'open', 'Saturday 10:30');
  t.equal(hoursStatus(hours, new Date('2026-11-29T02:30:00Z')), 'closed', 'Sunday');
  t.equal(hoursStatus(hours, new Date('2026-10-01T02:00:00Z')), 'holiday', 'National Day, a Thursday');
  t.equal(hoursStatus(hours, new Date('2026-09-30T16:30:00Z')), 'holiday', 'already 1 October in Shanghai while 30 September in UTC');
  t.equal(hoursStatus({ ...hours, timezone: 'America/New_York' }, new Date('2026-11-23T14:30:00Z')), 'open', 'the same rules in New York time');
});
