import { countryProfiles, personName, pickCountry, type CountryProfile } from './countries.js';
import { planNumber } from './phone-numbers.js';
import { SeededRandom } from './random.js';

/** Seeded account numbers are 8 digits from 10000001 on. */
export const ACCOUNT_NUMBER_BASE = 10_000_000;

export const TABLE_STREAMS = { customer: 1, phones: 2, contacts: 3, tickets: 4, orders: 5, interactions: 6 } as const;

const TIER_ROLLS: Array<[string, number, number]> = [
  // tier, share, typical lifetime value
  ['platinum', 0.02, 250_000],
  ['gold', 0.08, 40_000],
  ['silver', 0.2, 8_000],
  ['bronze', 0.3, 1_500],
  ['standard', 0.4, 200],
];

const NOTES = [
  'Prefers email follow-up.',
  'Escalate billing disputes to a team lead.',
  'Hard of hearing: speak slowly.',
  'Asked not to be offered upgrades.',
  '客户偏好下午来电。',
  '老客户，注意服务态度。',
  'VIP since 2019.',
  'Calls often about delivery times.',
];

const SEGMENTS = ['retail', 'smb', 'enterprise', 'public', null] as const;

export interface SeedPhone {
  e164: string;
  label: string;
  primary: boolean;
}

export interface SeedCustomer {
  id: number;
  index: number;
  country: CountryProfile;
  externalId: string;
  name: string;
  company: string | null;
  companyIndex: number | null;
  tier: string;
  segment: string | null;
  lifetimeValue: string;
  doNotCall: boolean;
  birthday: string | null;
  notes: string;
  phones: SeedPhone[];
}

/**
 * Everything about customer `index` is a pure function of (seed, index), so each
 * table's generator can rebuild the customer it needs without shared state.
 */
export class CustomerModel {
  readonly countries: CountryProfile[];
  readonly companyCount: number;

  constructor(
    readonly seed: number,
    readonly count: number,
    readonly firstId: number,
  ) {
    this.countries = countryProfiles(seed);
    this.companyCount = Math.max(10, Math.floor(count / 25));
  }

  /** Subscriber slots 0..2*count-1 go to customers; switchboards and unknown numbers come after. */
  switchboardNumber(companyIndex: number, country: CountryProfile): string {
    return planNumber(country.landlinePlan, 2 * this.count + companyIndex);
  }

  /** A valid number no seeded customer owns (for benchmarks and tests of unknown callers). */
  unknownNumber(country: CountryProfile, k: number): string {
    return planNumber(country.mobilePlan, 2 * this.count + this.companyCount + k);
  }

  customer(index: number): SeedCustomer {
    const random = new SeededRandom(this.seed, TABLE_STREAMS.customer, index);
    const country = pickCountry(this.countries, random);
    const id = this.firstId + index;
    const tierRoll = random.next();
    let cumulative = 0;
    const [tier, , typicalValue] = TIER_ROLLS.find(([, share]) => (cumulative += share) > tierRoll) ?? TIER_ROLLS[4]!;
    const hasCompany = random.chance(0.35);
    const companyIndex = hasCompany ? random.int(0, this.companyCount - 1) : null;
    const phones: SeedPhone[] = [];
    const mobileFirst = random.chance(0.75);
    phones.push({ e164: planNumber(mobileFirst ? country.mobilePlan : country.landlinePlan, 2 * index), label: mobileFirst ? 'mobile' : 'home', primary: true });
    if (random.chance(0.3)) phones.push({ e164: planNumber(country.landlinePlan, 2 * index + 1), label: 'work', primary: false });
    if (companyIndex !== null && random.chance(0.15)) {
      phones.push({ e164: this.switchboardNumber(companyIndex, country), label: 'switchboard', primary: false });
    }
    return {
      id,
      index,
      country,
      // An account number customers can type on the keypad (the IVR identifies callers by it).
      externalId: String(ACCOUNT_NUMBER_BASE + id),
      name: personName(country, random),
      company: companyIndex === null ? null : country.companies[companyIndex % country.companies.length]!,
      companyIndex,
      tier,
      segment: random.pick(SEGMENTS),
      lifetimeValue: (typicalValue * (0.2 + random.next() * 1.6)).toFixed(2),
      doNotCall: random.chance(0.03),
      birthday: random.chance(0.7) ? `${random.int(1940, 2005)}-${pad2(random.int(1, 12))}-${pad2(random.int(1, 28))}` : null,
      notes: random.chance(0.1) ? random.pick(NOTES) : '',
      phones,
    };
  }
}

export const pad2 = (value: number): string => String(value).padStart(2, '0');
