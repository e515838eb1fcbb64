import { useI18n } from '../i18n/context.js';
import { en } from '../i18n/en.js';
import { LANGS, type Lang } from '../i18n/format.js';
import { zh } from '../i18n/zh.js';

/** Each language named in itself, so an agent who cannot read the current one still finds theirs. */
const NAMES: Record<Lang, string> = { en: en.languageName, zh: zh.languageName };

export function LanguagePicker() {
  const { t, lang, setLang } = useI18n();
  return (
    <label class="language">
      <span class="visually-hidden">{t.header.language}</span>
      <select value={lang} aria-label={t.header.language} onChange={(event) => setLang(event.currentTarget.value as Lang)}>
        {LANGS.map((code) => (
          <option key={code} value={code}>
            {NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
