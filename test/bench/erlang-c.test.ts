import t from 'tap';
import { erlangB, erlangC, idealWaits, predictErlangC, priorityClassWaits } from '../../bench/erlang-c.js';

/** The textbook definition, with powers and factorials: fine for small N, used to check the recursion. */
function erlangCByDefinition(agents: number, traffic: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < agents; k++) {
    sum += term;
    term *= traffic / (k + 1);
  }
  const last = (term * agents) / (agents - traffic);
  return last / (sum + last);
}

t.test('Erlang B matches the printed traffic tables', async (t) => {
  t.ok(Math.abs(erlangB(5, 2) - 0.0367) < 0.00005, `B(5, 2 E) = ${erlangB(5, 2)}`);
  t.ok(Math.abs(erlangB(10, 5) - 0.0184) < 0.00005, `B(10, 5 E) = ${erlangB(10, 5)}`);
  t.ok(Math.abs(erlangB(1, 1) - 0.5) < 1e-12, 'one line at 1 E loses half the calls');
  t.equal(erlangB(3, 0), 0);
});

t.test('Erlang C: closed forms of M/M/1 and M/M/2', async (t) => {
  for (const rho of [0.1, 0.5, 0.85, 0.99]) {
    t.ok(Math.abs(erlangC(1, rho) - rho) < 1e-12, `M/M/1 waits with probability ρ = ${rho}`);
    t.ok(Math.abs(erlangC(2, 2 * rho) - (2 * rho * rho) / (1 + rho)) < 1e-12, `M/M/2 waits with probability 2ρ²/(1+ρ), ρ = ${rho}`);
  }
  t.ok(Math.abs(erlangC(10, 8) - 0.4092) < 0.00005, `C(10, 8 E) = ${erlangC(10, 8)}`);
});

t.test('Erlang C equals the textbook sum wherever the sum can be computed', async (t) => {
  let worst = 0;
  for (const agents of [1, 2, 3, 5, 8, 12, 20, 55, 100]) {
    for (const occupancy of [0.05, 0.3, 0.6, 0.85, 0.95, 0.999]) {
      const traffic = agents * occupancy;
      worst = Math.max(worst, Math.abs(erlangC(agents, traffic) - erlangCByDefinition(agents, traffic)));
    }
  }
  t.ok(worst < 1e-12, `largest difference ${worst}`);
});

t.test('the call-centre worked example: 360 calls per half hour, 240 s handle time, 55 agents', async (t) => {
  const prediction = predictErlangC({ agents: 55, arrivalsPerSecond: 360 / 1800, handleSeconds: 240, thresholdSeconds: 20 });
  t.equal(prediction.traffic, 48);
  t.ok(Math.abs(prediction.occupancy - 0.8727) < 0.0001);
  t.ok(Math.abs(prediction.probabilityOfWait - 0.2387) < 0.0001, `waits with probability ${prediction.probabilityOfWait}`);
  t.ok(Math.abs(prediction.asaSeconds - 8.18) < 0.01, `ASA ${prediction.asaSeconds} s`);
  t.ok(Math.abs(prediction.serviceLevel - 0.8668) < 0.0001, `${prediction.serviceLevel} answered within 20 s`);
});

t.test('stable for large centres, where the textbook sum overflows', async (t) => {
  const big = erlangC(1000, 950);
  t.ok(big > 0 && big < 1, `C(1000, 950 E) = ${big}`);
  t.ok(erlangC(1001, 950) < big, 'one more agent, fewer callers wait');
  const huge = erlangB(5000, 4900);
  t.ok(Number.isFinite(huge) && huge > 0 && huge < 1);
});

t.test('ASA and service level; overload and bad input', async (t) => {
  const p = predictErlangC({ agents: 12, arrivalsPerSecond: 5.1, handleSeconds: 2, thresholdSeconds: 0 });
  t.ok(Math.abs(p.asaSeconds - (p.probabilityOfWait * 2) / (12 - 10.2)) < 1e-12);
  t.ok(Math.abs(p.serviceLevel - (1 - p.probabilityOfWait)) < 1e-12, 'within 0 s: exactly the calls that do not wait');
  const overloaded = predictErlangC({ agents: 5, arrivalsPerSecond: 3, handleSeconds: 2, thresholdSeconds: 1 });
  t.equal(overloaded.probabilityOfWait, 1);
  t.equal(overloaded.asaSeconds, Number.POSITIVE_INFINITY);
  t.equal(overloaded.serviceLevel, 0);
  t.throws(() => erlangC(0, 1), RangeError);
  t.throws(() => erlangC(2.5, 1), RangeError);
  t.throws(() => erlangB(3, -1), RangeError);
});

t.test('priority classes: the higher class waits less, the mean is the FCFS wait (conservation law)', async (t) => {
  const [agents, handle, vip, standard] = [12, 2, 1.02, 4.08];
  const fcfs = predictErlangC({ agents, arrivalsPerSecond: vip + standard, handleSeconds: handle, thresholdSeconds: 1 }).asaSeconds;
  const [vipWait, standardWait] = priorityClassWaits(agents, handle, [vip, standard]) as [number, number];
  t.ok(vipWait < fcfs && fcfs < standardWait, `VIP ${vipWait} s < FCFS ${fcfs} s < standard ${standardWait} s`);
  t.ok(Math.abs((vip * vipWait + standard * standardWait) / (vip + standard) - fcfs) < 1e-12);
  t.ok(Math.abs((priorityClassWaits(agents, handle, [vip + standard])[0] ?? 0) - fcfs) < 1e-12, 'one class is FCFS');
  t.equal(priorityClassWaits(2, 1, [1, 1.5])[1], Number.POSITIVE_INFINITY, 'the lower class never gets through an overload');
});

t.test('the ideal ACD on a trace: a worked example, by hand', async (t) => {
  // Two agents. Calls at 0, 0, 1, 1.5 with handles 3, 2, 2, 1: the third waits for the second agent (free at 2), the fourth for the first (free at 3).
  const calls = [
    { arrival: 0, handle: 3 },
    { arrival: 0, handle: 2 },
    { arrival: 1, handle: 2 },
    { arrival: 1.5, handle: 1 },
  ];
  t.same(idealWaits(calls, 2), [0, 0, 1, 1.5]);
  // The same with a head start of 10 for the last caller: it overtakes the third.
  t.same(idealWaits([...calls.slice(0, 3), { arrival: 1.5, handle: 1, headStart: 10 }], 2), [0, 0, 2, 0.5]);
  t.same(idealWaits([{ arrival: 5, handle: 1 }, { arrival: 0, handle: 1 }], 1), [0, 0], 'calls in any order; an idle agent waits for the next arrival');
});

t.test('the ideal ACD on a long Poisson / exponential trace agrees with Erlang C and Cobham', async (t) => {
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const [agents, rate, handle, n] = [16, 6.8, 2, 400_000];
  let clock = 0;
  const calls = Array.from({ length: n }, () => {
    clock += -Math.log(1 - random()) / rate;
    return { arrival: clock, handle: -Math.log(1 - random()) * handle, headStart: random() < 0.2 ? 3600 : 0 };
  });
  const fcfs = idealWaits(calls.map(({ arrival, handle }) => ({ arrival, handle })), agents);
  const expected = predictErlangC({ agents, arrivalsPerSecond: rate, handleSeconds: handle, thresholdSeconds: 1 });
  const asa = fcfs.reduce((sum, wait) => sum + wait, 0) / n;
  const sl = fcfs.filter((wait) => wait <= 1).length / n;
  t.ok(Math.abs(asa / expected.asaSeconds - 1) < 0.05, `ASA ${asa} vs Erlang C ${expected.asaSeconds}`);
  t.ok(Math.abs(sl - expected.serviceLevel) < 0.01, `service level ${sl} vs Erlang C ${expected.serviceLevel}`);
  const prioritised = idealWaits(calls, agents);
  const vip = calls.map((call, i) => [call.headStart > 0, prioritised[i]!] as const);
  const meanOf = (want: boolean) => {
    const waits = vip.filter(([isVip]) => isVip === want).map(([, wait]) => wait);
    return waits.reduce((sum, wait) => sum + wait, 0) / waits.length;
  };
  const [vipTheory, standardTheory] = priorityClassWaits(agents, handle, [rate * 0.2, rate * 0.8]) as [number, number];
  t.ok(Math.abs(meanOf(true) / vipTheory - 1) < 0.08, `VIP ${meanOf(true)} vs ${vipTheory}`);
  t.ok(Math.abs(meanOf(false) / standardTheory - 1) < 0.05, `standard ${meanOf(false)} vs ${standardTheory}`);
});
