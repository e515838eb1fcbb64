import { useI18n } from '../i18n/context.js';
import { useNow } from '../hooks/use-now.js';
import type { Dictionary } from '../i18n/en.js';
import type { CallContext } from '../state/console-state.js';
import type { CallView, ScreenPop } from '../types.js';
import { IvrDetails } from './IvrDetails.js';
import { RepeatBadge } from './RepeatBadge.js';

function heading(t: Dictionary, state: CallView['state']): string {
  switch (state) {
    case 'ringing':
      return t.call.incoming;
    case 'talking':
      return t.call.onCall;
    case 'held':
      return t.call.held;
    case 'consulting':
      return t.call.consulting;
    case 'ended':
      return t.call.ended;
  }
}

function CallerNumber({ caller }: { caller: ScreenPop['caller'] }) {
  const { t } = useI18n();
  if (caller.kind === 'withheld') return <p class="caller-number">{t.call.withheld}</p>;
  return (
    <div class="caller">
      <p class="caller-number" data-testid="caller-number">
        {caller.number}
        {caller.name && caller.name !== caller.number && <span class="muted"> · {caller.name}</span>}
      </p>
      <p class="muted small">
        {caller.kind === 'invalid' || caller.e164 === null ? `${t.call.asDialled} · ${t.call.invalidNumber}` : `${t.call.e164} ${caller.e164}`}
      </p>
    </div>
  );
}

function PopFacts({ pop }: { pop: ScreenPop }) {
  const { t, fmt } = useI18n();
  return (
    <dl class="facts">
      <div>
        <dt>{t.call.queue}</dt>
        <dd>{pop.queue}</dd>
      </div>
      <div>
        <dt>{t.call.waited}</dt>
        <dd>{fmt.duration(pop.waitedMs)}</dd>
      </div>
      <div>
        <dt>{t.call.priority}</dt>
        <dd>{fmt.number(pop.priority)}</dd>
      </div>
      <div>
        <dt>{t.call.line}</dt>
        <dd>{pop.dialledNumber}</dd>
      </div>
    </dl>
  );
}

function TalkTimer({ answeredAt, offsetMs }: { answeredAt: number; offsetMs: number }) {
  const { t, fmt } = useI18n();
  const now = useNow() + offsetMs;
  return (
    <span class="talk-timer" title={t.call.talkTime}>
      <span class="visually-hidden">{t.call.talkTime}: </span>
      <time data-testid="talk-timer">{fmt.duration(now - answeredAt)}</time>
    </span>
  );
}

/** The call in front of the agent: who calls, from where, how long they waited, what the IVR learnt. */
export function CallCard({ call, offsetMs }: { call: CallContext; offsetMs: number }) {
  const { t } = useI18n();
  const { pop, view } = call;
  const ringing = view.state === 'ringing';
  return (
    <section class={`card call-card call-${view.state}`} aria-labelledby="call-heading" data-testid="call-card">
      <div class="card-title">
        <h2 id="call-heading">
          {ringing && <span class="ring-dot" aria-hidden="true" />}
          {heading(t, view.state)}
        </h2>
        {ringing && <span class="pill ring">{t.call.answerOnPhone}</span>}
        {view.answeredAt !== null && view.state !== 'ended' && <TalkTimer answeredAt={view.answeredAt} offsetMs={offsetMs} />}
      </div>
      {pop && (
        <>
          <CallerNumber caller={pop.caller} />
          <RepeatBadge repeat={pop.repeat} />
          {pop.transfer && (
            <blockquote class="transfer-note">
              <strong>{pop.transfer.kind === 'consult' ? t.call.consultFrom(pop.transfer.fromAgentName) : t.call.transferFrom(pop.transfer.fromAgentName)}:</strong> {pop.transfer.note}
            </blockquote>
          )}
          <PopFacts pop={pop} />
          {/* Open while ringing (the agent reads it before answering); folded afterwards so the controls stay in view. */}
          <details class="ivr-details" key={ringing ? 'ringing' : 'answered'} open={ringing}>
            <summary>{t.call.ivr}</summary>
            <IvrDetails ivr={pop.ivr} />
          </details>
        </>
      )}
    </section>
  );
}
