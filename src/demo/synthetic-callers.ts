import type { Logger } from '../logging/logger.js';
import type { Pool } from '../db/pool.js';
import { planNumber } from '../seed/phone-numbers.js';
import { SeededRandom } from '../seed/random.js';
import type { CallerAction, SimulatorControl } from '../telephony/simulator/index.js';

export interface SyntheticCallerOptions {
  callsPerMinute: number;
  /** The number customers dial (the IVR line). */
  dialledNumber: string;
  supportNumber: string;
  seed?: number;
}

/** The share of known customers on the main line who take a callback when the queue offers one. */
const CALLBACK_TAKERS = 0.3;
const LISTEN_MS = 300;

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
  private accounts: string[] = [];
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
    const sample = await this.db.query<{ external_id: string }>("SELECT external_id FROM customers TABLESAMPLE SYSTEM (5) WHERE external_id ~ '^[0-9]{6,10}$' LIMIT 200");
    this.accounts = sample.rows.map((row) => row.external_id);
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

  /**
   * What the caller does on the main line (ivr-flows/main-line.yaml): choose a
   * language during the welcome, then sales / support / billing, or type an
   * account number; then wait in the queue until they give up. Some hang up
   * early, some never press anything.
   */
  private script(patient: boolean): CallerAction[] {
    const random = this.random;
    // A patient caller waits for an agent or for the queue's callback offer, which they take (takeCallback).
    const hangup: CallerAction = patient ? { at: 600, hangup: true } : { at: 20 + random.next() * 40, hangup: true };
    if (!patient && random.chance(0.08)) return [{ at: 1 + random.next() * 3, hangup: true }];
    if (!patient && random.chance(0.07)) return [hangup];
    const language: CallerAction = { at: 1.5 + random.next(), press: random.chance(0.4) ? '2' : '1' };
    if (random.chance(0.2) && this.accounts.length > 0) {
      return [language, { at: 6, press: '4' }, { at: 9, press: `${random.pick(this.accounts)}#` }, hangup];
    }
    return [language, { at: 6 + random.next() * 2, press: String(random.int(1, 3)) }, hangup];
  }

  /** Listens to the call as the caller would: presses 1 at the callback offer, and 1 again to confirm the number. */
  private async takeCallback(channelId: string): Promise<void> {
    const heard = (sound: string) => this.simulator.callState(channelId)?.heard.includes(sound) ?? false;
    let accepted = false;
    for (let waited = 0; waited < 600_000; waited += LISTEN_MS) {
      await new Promise((resolve) => setTimeout(resolve, LISTEN_MS));
      const state = this.simulator.callState(channelId);
      if (!state || state.ended || state.bridgeId) return;
      try {
        if (!accepted && state.playing === 'sound:ringside/queue-callback-offer') {
          accepted = true;
          await this.simulator.pressKeys(channelId, '1');
        } else if (accepted && heard('sound:ringside/callback-confirm-or-change')) {
          await this.simulator.pressKeys(channelId, '1');
          this.log.info({ callId: channelId }, 'demo caller took the callback offer');
          return;
        }
      } catch {
        return;
      }
    }
  }

  private async placeOne(): Promise<void> {
    const { from, kind } = this.callerNumber();
    this.placed++;
    try {
      // Most call the main line; some the support line, which keeps office hours (after hours: voicemail).
      const to = this.random.chance(0.15) ? this.options.supportNumber : this.options.dialledNumber;
      // A known customer on the main line may prefer a callback to waiting.
      const patient = to === this.options.dialledNumber && kind === 'known customer' && this.random.chance(CALLBACK_TAKERS);
      const call = await this.simulator.placeCall({ from, to, script: this.script(patient) });
      this.log.info({ callId: call.channelId, caller: kind, ...(patient ? { takesCallbackOffer: true } : {}) }, 'demo caller dialled in');
      if (patient) void this.takeCallback(call.channelId);
    } catch (error) {
      this.log.warn({ err: error }, 'demo caller could not dial');
    }
  }
}
