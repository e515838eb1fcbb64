import t from 'tap';
import { callableAt, customerZones, HoursFormatError, nextCallable, parseDailyHours, parseWeeklyHours, type CallingRules } from '../../src/callbacks/calling-hours.js';
import { ConfigError, loadConfig } from '../../src/config/env.js';

/** The error a call throws (tap's `throws` matches fields, not classes). */
function errorOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}

const rules = (center: string, customer = '09:00-21:00', centerZone = 'Asia/Shanghai'): CallingRules => ({ center: parseWeeklyHours(center), centerZone, customer: parseDailyHours(customer) });

t.test('weekly hours: days, ranges that wrap, several windows; bad text named', async (t) => {
  const hours = parseWeeklyHours('mon-fri 09:00-12:00 13:00-18:00, sat 10:00-14:00, fri-mon 20:00-22:00');
  t.same(hours.mon, [[540, 720], [780, 1080], [1200, 1320]]);
  t.same(hours.sat, [[600, 840], [1200, 1320]]);
  t.same(hours.wed, [[540, 720], [780, 1080]]);
  t.same(hours.thu, [[540, 720], [780, 1080]]);
  t.same(parseWeeklyHours('mon-sun 00:00-24:00').sun, [[0, 1440]]);
  for (const bad of ['', 'mon', 'someday 09:00-10:00', 'mon 18:00-09:00', 'mon 9-5', 'mon 24:30-25:00']) t.ok(errorOf(() => parseWeeklyHours(bad)) instanceof HoursFormatError, JSON.stringify(bad));
  const config = errorOf(() => loadConfig({ CENTER_HOURS: 'weekdays 9 to 5' }));
  t.ok(config instanceof ConfigError, 'a bad CENTER_HOURS stops the start');
  t.match(String(config), /CENTER_HOURS.*"weekdays" is not a day/, 'naming the variable and the mistake');
  t.ok(errorOf(() => loadConfig({ CUSTOMER_CALLING_HOURS: '21:00-09:00' })) instanceof ConfigError);
});

t.test('the next callable minute: the center open and the customer awake in each of their zones', async (t) => {
  // Wednesday 2026-06-03 08:30 in Shanghai (00:30 UTC).
  const early = new Date('2026-06-03T00:30:00Z');
  const open = rules('mon-fri 09:00-18:00');
  t.same(nextCallable(early, open, ['Asia/Shanghai']), new Date('2026-06-03T01:00:00Z'), 'at 09:00 Shanghai');
  t.same(nextCallable(new Date('2026-06-03T02:00:00Z'), open, ['Asia/Shanghai']), new Date('2026-06-03T02:00:00Z'), 'now, when both allow it');
  // A London customer: 09:00 in London is 16:00 in Shanghai, inside the center's day.
  t.same(nextCallable(early, open, ['Europe/London']), new Date('2026-06-03T08:00:00Z'));
  // Friday evening: the next time is Monday.
  t.same(nextCallable(new Date('2026-06-05T11:00:00Z'), open, ['Asia/Shanghai']), new Date('2026-06-08T01:00:00Z'));
  t.equal(nextCallable(early, open, ['Asia/Shanghai'], new Date('2026-06-03T00:45:00Z')), null, 'nothing before the window ends');
  t.equal(nextCallable(early, rules('mon 09:00-10:00', '22:00-23:00'), ['Asia/Shanghai']), null, 'hours that never meet');
  t.notOk(callableAt(new Date('2026-06-03T02:00:00Z'), open, ['Asia/Shanghai', 'America/New_York']), 'every zone must be awake');
});

t.test('a customer\'s zones: their own, else every zone of their number\'s country, else the center\'s', async (t) => {
  t.same(customerZones('+8613800138000', 'Asia/Shanghai', 'UTC'), ['Asia/Shanghai']);
  t.ok(customerZones('+14155550123', null, 'UTC').length > 3, 'the US has several zones');
  t.ok(customerZones('+14155550123', null, 'UTC').includes('America/Los_Angeles'));
  t.same(customerZones('+442079460000', null, 'UTC'), ['Europe/London']);
  t.same(customerZones('+999', null, 'Asia/Shanghai'), ['Asia/Shanghai'], 'no country: the center\'s zone');
});
