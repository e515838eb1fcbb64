import type { FileIssue } from '../config/live-directory.js';

/**
 * What the flow checks report: which file, where inside it (dotted, e.g.
 * `steps.main_menu.options.3`; empty for the file or directory as a whole), and why.
 */
export type FlowIssue = FileIssue;

/** One line per issue, the form `ringside check` prints and logs carry: `file: path: reason`. */
export function formatIssue(issue: FlowIssue, kind: 'error' | 'warning' = 'error'): string {
  const where = issue.path === '' ? issue.file : `${issue.file}: ${issue.path}`;
  return kind === 'warning' ? `${where}: warning: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Thrown when the flows are invalid where there is no last good version to keep (at start). */
export class FlowValidationError extends Error {
  constructor(readonly issues: readonly FlowIssue[]) {
    super(`invalid IVR flows:\n${issues.map((issue) => formatIssue(issue)).join('\n')}`);
    this.name = 'FlowValidationError';
  }
}

/** JSON-pointer (`/steps/a~1b/next`) or key list to the dotted form used in messages. */
export function dotted(location: string | readonly (string | number)[]): string {
  if (typeof location !== 'string') return location.map(String).join('.');
  if (location === '') return '';
  return location
    .replace(/^\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

export function joinPath(...parts: (string | number)[]): string {
  return parts.filter((part) => part !== '').map(String).join('.');
}
