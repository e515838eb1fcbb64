/**
 * The estimated wait a caller hears. With `staffed` agents who can take the
 * call, each busy for `handleSeconds` on average, calls leave the line at
 * about staffed / handleSeconds per second, so the caller at `position` waits
 * about position × handleSeconds / staffed. Null when nobody is staffed (an
 * estimate would be a guess).
 */
export function estimateWaitSeconds(position: number, staffed: number, handleSeconds: number): number | null {
  if (staffed <= 0 || position <= 0 || !Number.isFinite(handleSeconds) || handleSeconds <= 0) return null;
  return Math.round((position * handleSeconds) / staffed);
}

/** A later estimate counts as a sharp change when it is this much higher than the last one announced… */
export const SHARP_RISE_FACTOR = 1.5;
/** …and at least this many seconds higher (small absolute rises are noise at short waits). */
export const SHARP_RISE_SECONDS = 60;

/**
 * What to announce after having announced `previous`: never more than before
 * (a caller told "3 minutes" who then hears "4 minutes" feels they lost their
 * place), unless the situation changed sharply — the fresh estimate is more
 * than 1.5 times the last one and at least 60 s more (agents logged off, a
 * surge of priority calls); then the truth is told.
 */
export function nextAnnouncedWait(previous: number | undefined, fresh: number): number {
  if (previous === undefined || fresh <= previous) return fresh;
  const sharp = fresh > previous * SHARP_RISE_FACTOR && fresh - previous >= SHARP_RISE_SECONDS;
  return sharp ? fresh : previous;
}

/** Asterisk's queue sounds (app_queue ships them), spoken in the caller's language. */
export function waitAnnouncement(position: number | null, estimateSeconds: number | null): string[] {
  const media: string[] = [];
  if (position !== null) {
    if (position === 1) media.push('sound:queue-youarenext');
    else media.push('sound:queue-thereare', `number:${position - 1}`, 'sound:queue-callswaiting');
  }
  if (estimateSeconds !== null) {
    media.push('sound:queue-holdtime');
    if (estimateSeconds < 60) media.push('sound:queue-less-than', 'number:1', 'sound:queue-minute');
    else {
      const minutes = Math.ceil(estimateSeconds / 60);
      media.push('sound:queue-about', `number:${minutes}`, minutes === 1 ? 'sound:queue-minute' : 'sound:queue-minutes');
    }
  }
  if (media.length > 0) media.push('sound:queue-thankyou');
  return media;
}
