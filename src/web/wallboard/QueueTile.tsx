import { useI18n } from '../agent/i18n/context.js';
import { levelsOf, worst, type Level } from './alerts.js';
import type { QueueFigures } from './types.js';

function Figure({ label, value, level = 'ok', testId, big = false }: { label: string; value: string; level?: Level; testId?: string; big?: boolean }) {
  return (
    <div class={`figure level-${level}${big ? ' big' : ''}`} data-testid={testId}>
      <span class="figure-value">{value}</span>
      <span class="figure-label">{label}</span>
    </div>
  );
}

/** One queue's tile: the figures a floor reads from across the room, coloured when a threshold is broken. */
export function QueueTile({ figures }: { figures: QueueFigures }) {
  const { t, fmt } = useI18n();
  const levels = levelsOf(figures);
  const dash = t.unknownValue;
  const seconds = (value: number | null) => (value === null ? dash : fmt.duration(value * 1000));
  const percent = (value: number | null) => (value === null ? dash : `${fmt.number(value)} %`);
  const { agents, staffing } = figures;
  return (
    <section class={`card tile level-${worst(levels)}`} aria-labelledby={`tile-${figures.queue}`} data-testid={`queue-${figures.queue}`}>
      <h2 id={`tile-${figures.queue}`}>{figures.queue}</h2>
      <div class="figures">
        <Figure big label={t.wallboard.waiting} value={fmt.number(figures.waiting)} level={levels.waiting} testId="waiting" />
        <Figure big label={t.wallboard.longestWait} value={fmt.duration(figures.longestWaitSeconds * 1000)} level={levels.longestWait} testId="longest-wait" />
        <Figure big label={t.wallboard.serviceLevel} value={percent(figures.serviceLevelPercent)} level={levels.serviceLevel} testId="service-level" />
      </div>
      <p class="muted target">{t.wallboard.target(figures.alerts.serviceLevelTargetPercent, figures.serviceLevelSeconds)}</p>
      <div class="figures small">
        <Figure label={t.wallboard.offered} value={fmt.number(figures.offered)} testId="offered" />
        <Figure label={t.wallboard.answered} value={fmt.number(figures.answered)} testId="answered" />
        <Figure label={t.wallboard.abandoned} value={fmt.number(figures.abandoned)} testId="abandoned" />
        <Figure label={t.wallboard.abandonRate} value={percent(figures.abandonRatePercent)} level={levels.abandonRate} testId="abandon-rate" />
        <Figure label={t.wallboard.asa} value={seconds(figures.asaSeconds)} testId="asa" />
        <Figure label={t.wallboard.aht} value={seconds(figures.ahtSeconds)} testId="aht" />
      </div>
      <p class="agents-line" data-testid="agents">
        <strong>{t.wallboard.agents}</strong> {agents.available} {t.wallboard.available} · {agents.onCall + agents.offered} {t.wallboard.onCall} · {agents.wrapUp} {t.wallboard.wrapUp} · {agents.paused} {t.wallboard.paused} · {agents.loggedIn}{' '}
        {t.wallboard.loggedIn}
      </p>
      <p class={`staffing level-${levels.staffing}`} data-testid="staffing">
        <strong>{t.wallboard.staffing}</strong> {t.wallboard.needed(staffing.agentsNeeded, staffing.agentsStaffed)} <span class="muted">({t.wallboard.arrivals(staffing.arrivalsPerHour)}, {t.wallboard.aht} {fmt.duration(staffing.handleSeconds * 1000)})</span>
      </p>
    </section>
  );
}
