/**
 * Lone UTF-16 surrogates (from a broken escape in JSON, or a truncated
 * string) become U+FFFD: no URL, UTF-8 database or log line can carry one.
 */
export const wellFormed = (value: string): string => value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
