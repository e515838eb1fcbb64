import { useI18n } from '../i18n/context.js';
import type { ScreenPop } from '../types.js';

/** Attribute values as a person reads them: lists joined, objects as name=value, nothing as a dash. */
function valueText(value: unknown, dash: string): string {
  if (value === null || value === undefined || value === '') return dash;
  if (Array.isArray(value)) return value.length === 0 ? dash : value.map((item) => valueText(item, dash)).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? dash : entries.map(([key, item]) => `${key}=${valueText(item, dash)}`).join(', ');
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** Nothing to read: the IVR hands every call the same keys, most of them empty. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** The IVR's path (each step, with what the caller typed) and the attributes it set. */
export function IvrDetails({ ivr }: { ivr: ScreenPop['ivr'] }) {
  const { t } = useI18n();
  const attributes = Object.entries(ivr.attributes).filter(([, value]) => !isEmpty(value));
  if (ivr.path.length === 0 && attributes.length === 0) return <p class="muted">{t.call.noIvr}</p>;
  return (
    <div class="ivr">
      {ivr.flow && (
        <p>
          <span class="muted">{t.call.ivrFlow}:</span> {ivr.flow}
        </p>
      )}
      {ivr.path.length > 0 && (
        <ol class="ivr-path" aria-label={t.call.ivrPath}>
          {ivr.path.map((step, index) => (
            <li key={`${step.step}-${index}`}>
              <span class="ivr-step">{step.step}</span>
              {step.input !== undefined && step.input !== '' && (
                <span class="ivr-input">
                  {' '}
                  {t.call.ivrInput} <kbd>{step.input}</kbd>
                </span>
              )}
              {step.result !== undefined && <span class="muted"> → {step.result}</span>}
            </li>
          ))}
        </ol>
      )}
      {attributes.length > 0 && (
        <dl class="pairs" aria-label={t.call.ivrAttributes}>
          {attributes.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{valueText(value, t.unknownValue)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
