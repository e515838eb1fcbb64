import { stringify } from 'csv-stringify/sync';

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

/**
 * A spreadsheet runs a cell that starts with = @ + - as a formula, and agents' notes or names reach these
 * files: such text gets a leading apostrophe. Numbers, and phone numbers like +8613800138000, stay as they are.
 */
function defused(value: string): string {
  return /^[=@\t\r]/.test(value) || /^[+-](?![\d\s.]*$)/.test(value) ? `'${value}` : value;
}

export function toCsv<Row>(columns: ReadonlyArray<CsvColumn<Row>>, rows: readonly Row[]): string {
  const records = rows.map((row) =>
    columns.map((column) => {
      const value = column.value(row);
      return typeof value === 'string' ? defused(value) : value ?? '';
    }),
  );
  return stringify(records, { header: true, columns: columns.map((column) => column.header), cast: { boolean: (value) => String(value) } });
}
