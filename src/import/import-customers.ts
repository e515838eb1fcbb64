import fs from 'node:fs';
import { Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { CountryCode } from 'libphonenumber-js/max';
import { inTransaction, type Pool } from '../db/pool.js';
import { headerProblem, parseRow, RowError, type CsvField, type ImportRow } from './csv-row.js';
import { upsertBatch } from './upsert-batch.js';

export interface SkippedRow {
  line: number;
  reason: string;
}

export interface ImportSummary {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: SkippedRow[];
}

export interface ImportOptions {
  region: CountryCode;
  batchSize?: number;
  /** Called with bytes read so far and the file size, for a progress bar. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export class ImportFileError extends Error {}

const DEFAULT_BATCH = 500;

/**
 * Imports customers from a CSV file with a header line. Every row is validated;
 * bad rows are skipped and reported by line; good rows are upserted by
 * external_id in batches, each batch one transaction.
 */
export async function importCustomersCsv(pool: Pool, file: string, options: ImportOptions): Promise<ImportSummary> {
  let totalBytes: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new ImportFileError(`${file} is not a file`);
    totalBytes = stat.size;
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
  }

  const summary: ImportSummary = { rows: 0, inserted: 0, updated: 0, unchanged: 0, skipped: [] };
  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      options.onProgress?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      summary.rows++;
      const line = typeof error?.lines === 'number' ? error.lines : 0;
      summary.skipped.push({ line, reason: `unreadable CSV: ${error?.message ?? 'malformed record'}` });
      return undefined;
    },
  });
  fs.createReadStream(file).pipe(counter).pipe(parser);

  let header: string[] | undefined;
  let fields: CsvField[] = [];
  const firstLineOf = new Map<string, number>();
  let batch: ImportRow[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const outcome = await inTransaction(pool, (client) => upsertBatch(client, fields, rows));
    summary.inserted += outcome.inserted;
    summary.updated += outcome.updated;
    summary.unchanged += outcome.unchanged;
  };

  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((column) => column.trim().toLowerCase());
      const problem = headerProblem(header);
      if (problem) {
        parser.destroy();
        throw new ImportFileError(`${file} line 1: ${problem}`);
      }
      fields = header.filter((column): column is CsvField => column !== 'phones');
      continue;
    }
    summary.rows++;
    try {
      const row = parseRow(header, record, info.lines, options.region);
      const externalId = String(row.values.external_id);
      const firstLine = firstLineOf.get(externalId);
      if (firstLine !== undefined) throw new RowError(`external_id ${externalId} already appeared on line ${firstLine}`);
      firstLineOf.set(externalId, info.lines);
      batch.push(row);
      if (batch.length >= (options.batchSize ?? DEFAULT_BATCH)) await flush();
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      summary.skipped.push({ line: info.lines, reason: error.message });
    }
  }
  if (!header) throw new ImportFileError(`${file} is empty: expected a header line such as external_id,name,phones`);
  await flush();
  summary.skipped.sort((a, b) => a.line - b.line);
  return summary;
}
