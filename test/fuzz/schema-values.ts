import fc from 'fast-check';

/** The subset of JSON Schema the OpenAPI document of Ringside uses. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
}

/** Values that break naive code: injection fragments, odd Unicode, huge and empty strings, numbers at the edges. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    "' OR '1'='1",
    "'; DROP TABLE interactions; --",
    '<img src=x onerror=alert(1)>',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\uFFFF\uD800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 名字 اسم',
    '+8613800138000',
    '13800138000',
    '2026-02-30',
    '2026-06-01T25:61',
    'null',
    'NaN',
    '1e309',
    '-0',
    '{"$ne":null}',
  ),
  fc.constant('x'.repeat(5000)),
  fc.constant('9'.repeat(400)),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER, 1.5, 1e21),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Mostly the right type (so validation passes and the handler runs), sometimes anything at all. */
export function valueFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return hostileValue;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((variant) => valueFor(variant, depth + 1)), hostileValue);
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileValue });
  if (schema.const !== undefined) return fc.oneof({ weight: 4, arbitrary: fc.constant(schema.const) }, { weight: 1, arbitrary: hostileValue });
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const typed = (() => {
    switch (type) {
      case 'string':
        return schema.format === 'date-time' ? fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), hostileString) : hostileString;
      case 'integer':
        return fc.oneof(fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 100_000, 1e9) }), fc.integer());
      case 'number':
        return fc.oneof(fc.double({ noNaN: true }), fc.integer());
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(valueFor(schema.items, depth + 1), { maxLength: 5 });
      case 'object':
        return objectFor(schema, depth + 1);
      default:
        return hostileValue;
    }
  })();
  return fc.oneof({ weight: 5, arbitrary: typed }, { weight: 1, arbitrary: hostileValue });
}

/** Each known property present or not, now and then one the schema does not know. */
export function objectFor(schema: JsonSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(schema.properties ?? {});
  const known = fc.record(Object.fromEntries(entries.map(([key, property]) => [key, valueFor(property, depth)])), { requiredKeys: [] });
  return fc.tuple(known, fc.option(fc.tuple(hostileString, hostileValue), { freq: 5 })).map(([object, extra]) => (extra ? { ...object, [extra[0]]: extra[1] } : object));
}
