import { acdBenchmark } from './acd.js';
import { erlangBenchmark } from './erlang.js';
import { lookupBenchmark } from './lookup.js';
import { popBenchmark } from './pop.js';
import { reportsBenchmark } from './reports.js';
import { simulatorLoadBenchmark } from './simulator-load.js';
import { soakBenchmark } from './soak.js';
import { wallboardBenchmark } from './wallboard.js';

/** Each benchmark prints a readable summary, then its figures as the last line, in JSON. */
const BENCHMARKS: Record<string, () => Promise<Record<string, number>>> = {
  acd: acdBenchmark,
  erlang: erlangBenchmark,
  lookup: lookupBenchmark,
  pop: popBenchmark,
  reports: reportsBenchmark,
  simulator: simulatorLoadBenchmark,
  soak: soakBenchmark,
  wallboard: wallboardBenchmark,
};

const name = process.argv[2];
const benchmark = name ? BENCHMARKS[name] : undefined;
if (!benchmark) {
  console.error(`usage: npm run bench -- <name> [--minutes N for soak]   (one of: ${Object.keys(BENCHMARKS).join(', ')})`);
  process.exit(1);
}
try {
  const figures = await benchmark();
  console.log(JSON.stringify({ benchmark: name, ...figures }));
} catch (error) {
  console.error(`benchmark ${name} failed:`, error);
  process.exit(1);
}
