import type { CountryCode } from 'libphonenumber-js/max';
import type { CallSession } from '../calls/call-session.js';
import type { CallEvent, PromptHandle } from '../calls/telephony.js';
import { normaliseCallerId } from '../customers/phone.js';
import type { Queryable } from '../db/queryable.js';
import type { InteractionOutcome, InteractionRecorder } from '../interactions/interaction-recorder.js';

/**
 * Prompts of the ways out of a queue. Asterisk's core sounds where one fits;
 * the `ringside/` ones are recorded for the center (asterisk/README.md lists them).
 */
export const EXIT_PROMPTS = {
  callbackOffer: ['sound:ringside/queue-callback-offer'],
  callbackConfirmNumber: ['sound:ringside/callback-number-is'],
  callbackConfirmKeys: ['sound:ringside/callback-confirm-or-change'],
  callbackEnterNumber: ['sound:ringside/callback-enter-number'],
  callbackBooked: ['sound:ringside/callback-booked', 'sound:goodbye'],
  callbackFailed: ['sound:ringside/callback-failed'],
  voicemail: ['sound:vm-intro'],
  voicemailDone: ['sound:vm-goodbye'],
  queueClosed: ['sound:all-circuits-busy-now', 'sound:goodbye'],
} as const;

const OFFER_KEY_SECONDS = 6;
const NUMBER_DIGITS_SECONDS = 20;
const VOICEMAIL_MAX_SECONDS = 120;

type KeyEvent = Extract<CallEvent, { type: 'key.pressed' }>;
const keyOf = (channelId: string) => (event: CallEvent): event is KeyEvent => event.type === 'key.pressed' && event.channelId === channelId;
const recordingOf = (channelId: string) => (event: CallEvent): event is Extract<CallEvent, { type: 'recording.finished' }> =>
  event.type === 'recording.finished' && event.channelId === channelId;

/** Plays and waits for the end; `track` is told of the prompt while it plays (so a connect can stop it). */
async function play(session: CallSession, media: readonly string[], track?: (prompt: PromptHandle | undefined) => void): Promise<void> {
  const prompt = await session.telephony.play(session.channelId, [...media]);
  track?.(prompt);
  try {
    await prompt.finished;
  } finally {
    track?.(undefined);
  }
}

/** Digits until '#' (or the time runs out). */
async function collectNumber(session: CallSession): Promise<string> {
  let digits = '';
  const deadline = Date.now() + NUMBER_DIGITS_SECONDS * 1000;
  while (digits.length < 20) {
    const key = await session.waitFor(keyOf(session.channelId), Math.max(1, deadline - Date.now()));
    if (!key || key.digit === '#') break;
    if (/^[0-9]$/.test(key.digit)) digits += key.digit;
  }
  return digits;
}

/**
 * Offers a callback (press 1). Accepted: the caller confirms their number (or
 * types another) and it is returned in E.164. Declined, or no usable number:
 * null, the caller keeps waiting. The call stays in line meanwhile: when an
 * agent is found (`stillWaiting` turns false) the dialog stops at once.
 */
export async function offerCallback(
  session: CallSession,
  region: CountryCode,
  stillWaiting: () => boolean,
  track: (prompt: PromptHandle | undefined) => void,
): Promise<string | null> {
  session.clearTypeAhead();
  const say = async (media: readonly string[]) => {
    if (stillWaiting()) await play(session, media, track);
  };
  const key = async (seconds: number) => (stillWaiting() ? session.waitFor(keyOf(session.channelId), seconds * 1000) : null);
  await say(EXIT_PROMPTS.callbackOffer);
  const choice = await key(OFFER_KEY_SECONDS);
  if (choice?.digit !== '1') return null;
  let number = normaliseCallerId(session.call.callerNumber, region).e164;
  if (number) {
    await say([...EXIT_PROMPTS.callbackConfirmNumber, `digits:${number.replace(/^\+/, '')}`, ...EXIT_PROMPTS.callbackConfirmKeys]);
    const confirm = await key(OFFER_KEY_SECONDS);
    if (confirm?.digit !== '1') number = null;
  }
  if (!number && stillWaiting()) {
    await say(EXIT_PROMPTS.callbackEnterNumber);
    number = normaliseCallerId(await collectNumber(session), region).e164;
  }
  return stillWaiting() ? number : null;
}

export interface CallbackBooking {
  callId: string;
  phoneE164: string;
  queue: string;
  enqueuedAt: number;
  maxAttempts: number;
}

/** Stores a callback that keeps the caller's place in line (the time they joined the queue); returns its id. */
export async function bookCallback(db: Queryable, { callId, phoneE164, queue, enqueuedAt, maxAttempts }: CallbackBooking): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO callbacks (source, customer_id, interaction_id, phone_e164, queue, queue_entered_at, max_attempts, requested_by)
     SELECT 'queue', i.customer_id, i.id, $2, $3, $4, $5, 'caller' FROM (SELECT 1) AS one LEFT JOIN interactions i ON i.call_id = $1
     RETURNING id`,
    [callId, phoneE164, queue, new Date(enqueuedAt), maxAttempts],
  );
  return Number(rows[0]!.id);
}

/** The callback was withdrawn before it was announced: an agent took the caller meanwhile. */
export async function withdrawCallback(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE callbacks SET status = 'cancelled', outcome_detail = 'answered_meanwhile', ended_at = now(), updated_at = now() WHERE id = $1 AND status = 'scheduled'`, [id]);
}

/** The booking failed (the CRM's database is away): the caller hears so and stays in line. */
export async function sayCallbackFailed(session: CallSession): Promise<void> {
  await play(session, EXIT_PROMPTS.callbackFailed);
}

/** After a callback was booked: the caller hears it is done and the call ends. */
export async function confirmCallbackAndHangUp(session: CallSession): Promise<void> {
  await play(session, EXIT_PROMPTS.callbackBooked);
  await session.hangup();
}

/** The caller leaves a message; the recording is kept on the interaction. */
export async function takeVoicemail(session: CallSession, recorder: InteractionRecorder, settle: (outcome: InteractionOutcome, detail: string) => void): Promise<void> {
  await play(session, EXIT_PROMPTS.voicemail);
  session.clearTypeAhead();
  const name = `vm-${session.channelId.replace(/[^A-Za-z0-9_-]/g, '-')}-${Date.now()}`;
  await session.telephony.record(session.channelId, { name, format: 'wav', maxDurationSeconds: VOICEMAIL_MAX_SECONDS, beep: true, terminateOn: '#' });
  settle('voicemail', name);
  void recorder.recording(session.channelId, name);
  await session.waitFor(recordingOf(session.channelId), (VOICEMAIL_MAX_SECONDS + 5) * 1000);
  await play(session, EXIT_PROMPTS.voicemailDone);
  await session.hangup();
}

/** The queue cannot take the call and has nowhere to send it. */
export async function closeCall(session: CallSession, prompts: readonly string[] | undefined): Promise<void> {
  await play(session, prompts ?? EXIT_PROMPTS.queueClosed);
  await session.hangup();
}
