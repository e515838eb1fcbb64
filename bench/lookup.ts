import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { lookupCaller, matchCaller } from '../src/customers/lookup.js';
import { ensureDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createPool, type Pool } from '../src/db/pool.js';
import { CustomerModel } from '../src/seed/customer-model.js';
import { SeededRandom } from '../src/seed/random.js';
import { DEFAULT_SEED, seedCrm } from '../src/seed/seed.js';
import { round, summarise } from './stats.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ringside_bench';
const REGION: CountryCode = 'US';
const LATENCY_SAMPLES = 20_000;
const POP_SAMPLES = 10_000;
const THROUGHPUT_LOOKUPS = 40_000;
const CONCURRENCY = 16;

/** The caller IDs a trunk really sends: E.164, spaced international, national, with an international prefix. */
function asDialled(e164: string, random: SeededRandom): string {
  const parsed = parsePhoneNumberFromString(e164)!;
  const style = random.int(0, 3);
  if (style === 0) return e164;
  if (style === 1) return parsed.formatInternational();
  if (style === 2 && parsed.country === REGION) return parsed.formatNational();
  return `011 ${parsed.formatInternational().slice(1)}`;
}

async function ensureSeeded(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM customers');
  if (rows[0]!.count === CUSTOMERS) {
    console.log(`bench database already holds ${CUSTOMERS} customers`);
    return;
  }
  console.log(`seeding ${CUSTOMERS} customers into the bench database…`);
  const result = await seedCrm(pool, { customers: CUSTOMERS, reset: true });
  console.log(`seeded in ${result.seconds.toFixed(1)} s: ${JSON.stringify(result.rows)}`);
}

function callerIds(model: CustomerModel, count: number, knownShare: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, n) => {
    const known = random.chance(knownShare);
    const e164 = known ? model.customer(random.int(0, CUSTOMERS - 1)).phones[0]!.e164 : model.unknownNumber(random.pick(model.countries), n);
    return asDialled(e164, random);
  });
}

async function timeEach(ids: readonly string[], run: (callerId: string) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (const id of ids) {
    const started = performance.now();
    await run(id);
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function lookupBenchmark(): Promise<Record<string, number>> {
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const pool = createPool(DATABASE_URL, CONCURRENCY);
  try {
    await ensureSeeded(pool);
    const model = new CustomerModel(DEFAULT_SEED, CUSTOMERS, 1);
    const mixed = callerIds(model, LATENCY_SAMPLES, 0.7, 1);
    const known = callerIds(model, POP_SAMPLES, 1, 2);

    await timeEach(mixed.slice(0, 2000), (id) => matchCaller(pool, id, REGION)); // warm-up: caches and plans
    const matched = await Promise.all(known.slice(0, 200).map((id) => matchCaller(pool, id, REGION)));
    if (matched.some((result) => result.match === 'none')) throw new Error('a seeded number was not found: the bench database does not match the model');

    const lookup = summarise(await timeEach(mixed, (id) => matchCaller(pool, id, REGION)));
    const pop = summarise(await timeEach(known, (id) => lookupCaller(pool, id, REGION)));

    const queue = callerIds(model, THROUGHPUT_LOOKUPS, 0.7, 3);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < queue.length) await matchCaller(pool, queue[next++]!, REGION);
      }),
    );
    const lookupsPerSecond = THROUGHPUT_LOOKUPS / ((performance.now() - started) / 1000);

    console.log(`caller-ID lookup (70% known, mixed formats), ${lookup.count} sequential: p50 ${lookup.p50.toFixed(3)} ms, p99 ${lookup.p99.toFixed(3)} ms, max ${lookup.max.toFixed(2)} ms   (target p99 ≤ 2 ms)`);
    console.log(`screen-pop data (customer + 10 interactions + open tickets + 5 orders), ${pop.count} sequential: p50 ${pop.p50.toFixed(3)} ms, p99 ${pop.p99.toFixed(3)} ms   (target p99 ≤ 5 ms)`);
    console.log(`throughput with ${CONCURRENCY} concurrent lookups: ${Math.round(lookupsPerSecond)} lookups/s`);
    return {
      customers: CUSTOMERS,
      lookup_p50_ms: round(lookup.p50),
      lookup_p99_ms: round(lookup.p99),
      popdata_p50_ms: round(pop.p50),
      popdata_p99_ms: round(pop.p99),
      lookups_per_s: Math.round(lookupsPerSecond),
      lookup_target_met: lookup.p99 <= 2 ? 1 : 0,
      popdata_target_met: pop.p99 <= 5 ? 1 : 0,
    };
  } finally {
    await pool.end();
  }
}
