import { fakerDE, fakerEN_GB, fakerEN_US, fakerFR, fakerZH_CN, type Faker } from '@faker-js/faker';
import type { NumberPlanName } from './phone-numbers.js';
import type { SeededRandom } from './random.js';

export interface CountryProfile {
  code: string;
  language: string;
  currency: string;
  /** Share of customers from this country. */
  weight: number;
  mobilePlan: NumberPlanName;
  landlinePlan: NumberPlanName;
  /** Chinese names put the family name first with no space. */
  familyNameFirst: boolean;
  firstNames: string[];
  lastNames: string[];
  companies: string[];
}

const POOL_SIZE = 400;
const COMPANY_POOL_SIZE = 1500;

function pool(faker: Faker, size: number, make: (faker: Faker) => string): string[] {
  return Array.from(new Set(Array.from({ length: size }, () => make(faker))));
}

function profile(
  faker: Faker,
  settings: Omit<CountryProfile, 'firstNames' | 'lastNames' | 'companies'>,
  seed: number,
): CountryProfile {
  faker.seed(seed);
  return {
    ...settings,
    firstNames: pool(faker, POOL_SIZE, (f) => f.person.firstName()),
    lastNames: pool(faker, POOL_SIZE, (f) => f.person.lastName()),
    companies: pool(faker, COMPANY_POOL_SIZE, (f) => f.company.name()),
  };
}

/** Name and company pools per country, drawn once from faker with a fixed seed. */
export function countryProfiles(seed: number): CountryProfile[] {
  return [
    profile(fakerZH_CN, { code: 'CN', language: 'zh-CN', currency: 'CNY', weight: 0.4, mobilePlan: 'cnMobile', landlinePlan: 'cnLandline', familyNameFirst: true }, seed),
    profile(fakerEN_US, { code: 'US', language: 'en', currency: 'USD', weight: 0.25, mobilePlan: 'usLine', landlinePlan: 'usLine', familyNameFirst: false }, seed + 1),
    profile(fakerEN_GB, { code: 'GB', language: 'en-GB', currency: 'GBP', weight: 0.12, mobilePlan: 'gbMobile', landlinePlan: 'gbLandline', familyNameFirst: false }, seed + 2),
    profile(fakerDE, { code: 'DE', language: 'de', currency: 'EUR', weight: 0.12, mobilePlan: 'deMobile', landlinePlan: 'deLandline', familyNameFirst: false }, seed + 3),
    profile(fakerFR, { code: 'FR', language: 'fr', currency: 'EUR', weight: 0.11, mobilePlan: 'frMobile', landlinePlan: 'frMobile', familyNameFirst: false }, seed + 4),
  ];
}

export function pickCountry(profiles: readonly CountryProfile[], random: SeededRandom): CountryProfile {
  let roll = random.next();
  for (const country of profiles) {
    roll -= country.weight;
    if (roll < 0) return country;
  }
  return profiles[profiles.length - 1]!;
}

export function personName(country: CountryProfile, random: SeededRandom): string {
  const first = random.pick(country.firstNames);
  const last = random.pick(country.lastNames);
  return country.familyNameFirst ? `${last}${first}` : `${first} ${last}`;
}
