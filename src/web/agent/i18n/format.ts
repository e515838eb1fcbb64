import type { Dictionary } from './en.js';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** The Intl locale of each language: British English matches the product's own wording ("dialled"). */
const LOCALES: Record<Lang, string> = { en: 'en-GB', zh: 'zh-CN' };

const pad = (n: number): string => String(n).padStart(2, '0');

/** Dates, numbers, money and durations in one language, with the Intl formatters built once. */
export class Formatters {
  readonly locale: string;
  private readonly dateTimeFormat: Intl.DateTimeFormat;
  private readonly timeFormat: Intl.DateTimeFormat;
  private readonly numberFormat: Intl.NumberFormat;
  private readonly moneyFormats = new Map<string, Intl.NumberFormat>();
  private readonly languageNames: Intl.DisplayNames;

  constructor(lang: Lang) {
    this.locale = LOCALES[lang];
    this.dateTimeFormat = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' });
    this.timeFormat = new Intl.DateTimeFormat(this.locale, { timeStyle: 'short' });
    this.numberFormat = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 });
    this.languageNames = new Intl.DisplayNames([this.locale], { type: 'language', fallback: 'code' });
  }

  /** 'zh' → 'Chinese' / '中文'. */
  language(tag: string): string {
    try {
      return this.languageNames.of(tag) ?? tag;
    } catch {
      return tag;
    }
  }

  dateTime(value: string | number): string {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : this.dateTimeFormat.format(date);
  }

  time(value: string | number): string {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : this.timeFormat.format(date);
  }

  number(value: number): string {
    return this.numberFormat.format(value);
  }

  /** Amounts come as exact decimal strings; a currency code that Intl refuses is shown beside the number. */
  money(amount: string | number, currency?: string): string {
    const value = typeof amount === 'number' ? amount : Number(amount);
    if (!Number.isFinite(value)) return String(amount);
    if (!currency) return this.number(value);
    let format = this.moneyFormats.get(currency);
    if (!format) {
      try {
        format = new Intl.NumberFormat(this.locale, { style: 'currency', currency });
      } catch {
        return `${this.number(value)} ${currency}`;
      }
      this.moneyFormats.set(currency, format);
    }
    return format.format(value);
  }

  /** m:ss, or h:mm:ss from an hour on: timers read the same in every language. */
  duration(ms: number): string {
    const total = Math.max(0, Math.floor(ms / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
  }
}

/** 'after_call_work' → 'After call work': the fallback for a code no dictionary names. */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A configured code (pause reason, disposition, outcome, tier) in the dictionary's words, or humanised. */
export function labelOf(table: Record<string, string>, code: string): string {
  return table[code] ?? humanize(code);
}

export type { Dictionary };
