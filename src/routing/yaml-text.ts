import { LineCounter, parseDocument } from 'yaml';
import type { FlowIssue } from '../ivr/flow-issues.js';

/** The parsed data, or the issues that stop it from being read at all (same wording as the IVR flows). */
export function parseYamlText(text: string, file: string): { data: unknown; errors: FlowIssue[]; warnings: FlowIssue[] } {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key written twice would silently replace the first.
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => {
      const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      return { file, path: '', message: `YAML syntax error at line ${position.line}, column ${position.col}: ${reason}` };
    });
    return { data: undefined, errors, warnings: [] };
  }
  const warnings = document.warnings.map((warning) => ({ file, path: '', message: `YAML: ${warning.message.split('\n')[0] ?? ''}` }));
  try {
    // Bounded alias expansion: a "billion laughs" file is an error, not an out-of-memory.
    return { data: document.toJS({ maxAliasCount: 100 }), errors: [], warnings };
  } catch (error) {
    return { data: undefined, errors: [{ file, path: '', message: `cannot read the YAML: ${error instanceof Error ? error.message : String(error)}` }], warnings };
  }
}
