import { useI18n } from '../i18n/context.js';
import { labelOf } from '../i18n/format.js';
import type { ScreenPop } from '../types.js';

/** "3rd call today · last one abandoned": shown only for a caller who called before. */
export function RepeatBadge({ repeat }: { repeat: ScreenPop['repeat'] }) {
  const { t } = useI18n();
  if (repeat.callsToday === 0 && repeat.callsLast24h === 0) return null;
  const parts = [repeat.callsToday > 0 ? t.call.repeatToday(t.ordinal(repeat.callsToday + 1)) : t.call.repeat24h(repeat.callsLast24h)];
  if (repeat.lastCallAbandoned) parts.push(t.call.lastAbandoned);
  else if (repeat.lastCallOutcome) parts.push(t.call.lastOutcome(labelOf(t.outcomes, repeat.lastCallOutcome)));
  return (
    <span class={`pill ${repeat.lastCallAbandoned ? 'warn' : 'info'}`} data-testid="repeat-caller">
      {parts.join(' · ')}
    </span>
  );
}
