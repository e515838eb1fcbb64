import fs from 'node:fs';
import path from 'node:path';
import type { FileIssue } from './live-directory.js';

const YAML_FILE = /\.ya?ml$/i;

export interface ParsedFile<T> {
  value: T | null;
  errors: FileIssue[];
  warnings: FileIssue[];
}

/**
 * Reads and validates every YAML file of a configuration directory, in name
 * order. Problems come back as issues (file, path, reason), never as throws.
 * `what` names the directory in its one error ("the flow directory").
 */
export function readYamlDirectory<T>(
  dir: string,
  what: string,
  parse: (text: string, file: string) => ParsedFile<T>,
): { loaded: Array<{ file: string; value: T }>; errors: FileIssue[]; warnings: FileIssue[] } {
  const loaded: Array<{ file: string; value: T }> = [];
  const errors: FileIssue[] = [];
  const warnings: FileIssue[] = [];
  let names: string[];
  try {
    names = fs
      .readdirSync(dir, { withFileTypes: true })
      // Dot files are editors' swap and backup files, mid-save; never configuration.
      .filter((entry) => entry.isFile() && YAML_FILE.test(entry.name) && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : error instanceof Error ? error.message : String(error);
    return { loaded, errors: [{ file: dir, path: '', message: `cannot read ${what}: ${reason}` }], warnings };
  }
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      // A file deleted between listing and reading is simply gone (an editor's save in progress).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      errors.push({ file, path: '', message: `cannot read the file: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const result = parse(text, file);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    if (result.value !== null) loaded.push({ file, value: result.value });
  }
  return { loaded, errors, warnings };
}
