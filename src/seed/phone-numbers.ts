/**
 * Deterministic, valid, unique phone numbers per numbering plan. Number k of a
 * plan is a bijection of k over the plan's space (multiplying by a constant
 * coprime with its size), so numbers look scattered yet never collide.
 */
interface NumberPlan {
  /** E.164 prefixes (country code + area/mobile prefix), each followed by `digits` subscriber digits. */
  prefixes: readonly string[];
  digits: number;
  /** Range of the first subscriber digit: national plans leave some blocks unallocated. */
  firstDigitMin: number;
  firstDigitMax: number;
}

export const NUMBER_PLANS = {
  cnMobile: { prefixes: ['+86138', '+86139', '+86186', '+86150', '+86135', '+86188', '+86177', '+86159'], digits: 8, firstDigitMin: 0, firstDigitMax: 9 },
  cnLandline: { prefixes: ['+8610', '+8621', '+8620', '+86755'], digits: 8, firstDigitMin: 2, firstDigitMax: 7 },
  usLine: { prefixes: ['+1212', '+1415', '+1312', '+1617', '+1206', '+1303', '+1512', '+1646', '+1718', '+1213'], digits: 7, firstDigitMin: 2, firstDigitMax: 9 },
  gbMobile: { prefixes: ['+4477', '+4478'], digits: 8, firstDigitMin: 1, firstDigitMax: 9 },
  gbLandline: { prefixes: ['+44207', '+44208'], digits: 7, firstDigitMin: 0, firstDigitMax: 9 },
  deMobile: { prefixes: ['+49151', '+49160', '+49170', '+49176'], digits: 8, firstDigitMin: 1, firstDigitMax: 9 },
  deLandline: { prefixes: ['+4930', '+4940', '+4989'], digits: 8, firstDigitMin: 2, firstDigitMax: 9 },
  frMobile: { prefixes: ['+3361', '+3362', '+3366', '+3367', '+3368'], digits: 7, firstDigitMin: 0, firstDigitMax: 9 },
} as const satisfies Record<string, NumberPlan>;

export type NumberPlanName = keyof typeof NUMBER_PLANS;

const MULTIPLIER = 7_919_993; // prime, so coprime with every 10^n * (10 - firstDigitMin) space below

/** The k-th number of a plan; distinct k give distinct numbers while k is below the plan's size. */
export function planNumber(planName: NumberPlanName, k: number): string {
  const plan: NumberPlan = NUMBER_PLANS[planName];
  const perPrefix = (plan.firstDigitMax - plan.firstDigitMin + 1) * 10 ** (plan.digits - 1);
  const size = perPrefix * plan.prefixes.length;
  const scattered = (k * MULTIPLIER) % size;
  const prefix = plan.prefixes[Math.floor(scattered / perPrefix)]!;
  const subscriber = (scattered % perPrefix) + plan.firstDigitMin * 10 ** (plan.digits - 1);
  return prefix + String(subscriber).padStart(plan.digits, '0');
}
