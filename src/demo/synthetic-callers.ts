import type { Logger } from '../logging/logger.js';
import type { Pool } from '../db/pool.js';
import { planNumber } from '../seed/phone-numbers.js';
import { SeededRandom } from '../seed/random.js';
import type { CallerAction, SimulatorControl } from '../telephony/simulator/index.js';

export interface SyntheticCallerOptions {
  callsPerMinute: number;
  /** The number customers dial (the IVR line). */
  dialledNumber: string;
  seed?: number;
}

/** Far above any slot the seed gives to customers, so these numbers belong to nobody. */
const UNKNOWN_NUMBER_BASE = 50_000_000;

/**
 * Places demo calls on the simulator at a steady rate: mostly seeded
 * customers, some unknown numbers, some withheld, each with a short script of
 * key presses and a hang-up (a few abandon early).
 */
export class SyntheticCallers {
  private timer: NodeJS.Timeout | undefined;
  private known: string[] = [];
  private placed = 0;
  private readonly random: SeededRandom;

  constructor(
    private readonly simulator: SimulatorControl,
    private readonly db: Pool,
    private readonly log: Logger,
    private readonly options: SyntheticCallerOptions,
  ) {
    this.random = new SeededRandom(options.seed ?? 7);
  }

  async start(): Promise<void> {
    const { rows } = await this.db.query<{ e164: string }>('SELECT e164 FROM customer_phones TABLESAMPLE SYSTEM (5) LIMIT 500');
    this.known = rows.map((row) => row.e164);
    if (this.known.length === 0) {
      const fallback = await this.db.query<{ e164: string }>('SELECT e164 FROM customer_phones LIMIT 500');
      this.known = fallback.rows.map((row) => row.e164);
    }
    const intervalMs = Math.max(200, Math.round(60_000 / this.options.callsPerMinute));
    this.timer = setInterval(() => void this.placeOne(), intervalMs);
    void this.placeOne();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private callerNumber(): { from: string; kind: string } {
    const roll = this.random.next();
    if (roll < 0.65 && this.known.length > 0) return { from: this.random.pick(this.known), kind: 'known customer' };
    if (roll < 0.88) return { from: planNumber(this.random.chance(0.5) ? 'cnMobile' : 'usLine', UNKNOWN_NUMBER_BASE + this.placed), kind: 'unknown number' };
    return { from: 'anonymous', kind: 'withheld' };
  }

  private script(): CallerAction[] {
    if (this.random.chance(0.1)) return [{ at: 1 + this.random.next(), hangup: true }];
    return [
      { at: 2.5 + this.random.next() * 2, press: String(this.random.int(1, 3)) },
      { at: 15 + this.random.next() * 20, hangup: true },
    ];
  }

  private async placeOne(): Promise<void> {
    const { from, kind } = this.callerNumber();
    this.placed++;
    try {
      const call = await this.simulator.placeCall({ from, to: this.options.dialledNumber, script: this.script() });
      this.log.info({ callId: call.channelId, caller: kind }, 'demo caller dialled in');
    } catch (error) {
      this.log.warn({ err: error }, 'demo caller could not dial');
    }
  }
}
