import t from 'tap';
import { normaliseCallerId } from '../src/customers/phone.js';

const valid: Array<[string, 'CN' | 'US' | 'GB', string]> = [
  ['+8613800138000', 'US', '+8613800138000'],
  ['13800138000', 'CN', '+8613800138000'],
  ['138 0013 8000', 'CN', '+8613800138000'],
  ['008613800138000', 'CN', '+8613800138000'],
  ['010-6552-9988', 'CN', '+861065529988'],
  ['(021) 6234 5678', 'CN', '+862162345678'],
  ['+1 (415) 555-0123', 'CN', '+14155550123'],
  ['(415) 555-0123', 'US', '+14155550123'],
  ['415.555.0123', 'US', '+14155550123'],
  ['01186 138 0013 8000', 'US', '+8613800138000'],
  ['020 7946 0018', 'GB', '+442079460018'],
  ['sip:+14155550123@trunk.example.com', 'CN', '+14155550123'],
  ['tel:+8613800138000', 'US', '+8613800138000'],
];

for (const [input, region, e164] of valid) {
  t.test(`${input} (${region}) → ${e164}`, async (t) => {
    const result = normaliseCallerId(input, region);
    t.equal(result.kind, 'valid');
    t.equal(result.e164, e164);
  });
}

const withheld = ['', '   ', 'anonymous', 'Anonymous', 'unknown', 'PRIVATE', 'Restricted', 'unavailable', undefined, null, 42];
for (const input of withheld) {
  t.test(`withheld caller ID ${JSON.stringify(input)} gives no number`, async (t) => {
    t.same(normaliseCallerId(input, 'US'), { kind: 'withheld', e164: null, country: null });
  });
}

const garbage = ['abc', '12', '+', '0000000000', "1'; DROP TABLE customers;--", '<script>alert(1)</script>', '9'.repeat(41), '+1 '.repeat(30), '☎️ 138', '+86 138 0013 800', 'sip:@host'];
for (const input of garbage) {
  t.test(`garbage caller ID ${JSON.stringify(input.slice(0, 30))} is invalid, never an exception`, async (t) => {
    const result = normaliseCallerId(input, 'CN');
    t.equal(result.kind, 'invalid');
    t.equal(result.e164, null);
  });
}

t.test('country is reported for valid numbers', async (t) => {
  t.equal(normaliseCallerId('+8613800138000', 'US').country, 'CN');
  t.equal(normaliseCallerId('+14155550123', 'CN').country, 'US');
});
