import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { en, type Dictionary } from './en.js';
import { zh } from './zh.js';
import { Formatters, LANGS, type Lang } from './format.js';

const DICTIONARIES: Record<Lang, Dictionary> = { en, zh };
const STORAGE_KEY = 'ringside.console.lang';

export interface I18n {
  lang: Lang;
  t: Dictionary;
  fmt: Formatters;
  setLang: (lang: Lang) => void;
}

const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGS as readonly string[]).includes(value);

/** The remembered choice, else the browser's language, else English. */
function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be off (privacy settings): the browser's language still works.
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const I18nContext = createContext<I18n>({ lang: 'en', t: en, fmt: new Formatters('en'), setLang: () => undefined });

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<I18n>(
    () => ({
      lang,
      t: DICTIONARIES[lang],
      fmt: new Formatters(lang),
      setLang: (next: Lang) => {
        try {
          localStorage.setItem(STORAGE_KEY, next);
        } catch {
          // Not remembered, but switched all the same.
        }
        setLangState(next);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = value.fmt.locale;
    document.title = value.t.app.title;
  }, [value]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = (): I18n => useContext(I18nContext);
