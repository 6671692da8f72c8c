// Validation of transcript text before it is written back: every non-empty line must be
// one JSON object, because OpenClaw parses the file line by line and a bad line in the
// middle breaks every reader after it.

export interface InvalidLine {
  /** 1-based line number. */
  line: number;
  /** Why the line was refused, in words for a person. */
  reason: string;
  /** True when this is the last line and it has no line terminator (an interrupted append). */
  torn: boolean;
}

/** True when the line holds only spaces, tabs or a trailing CR. OpenClaw skips such lines. */
export function isBlankLine(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * Returns the first line that is not a JSON object, or undefined when every non-empty line
 * is one. A torn last line is refused like any other: saving it back would glue OpenClaw's
 * next append onto it and corrupt two entries; the message says so, and the user fixes or
 * deletes it.
 */
export function findInvalidLine(content: string | Uint8Array): InvalidLine | undefined {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  const endsWithNewline = text.endsWith('\n');
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lineNumber += 1;
    const line = text.slice(start, end);
    if (!isBlankLine(line)) {
      const problem = jsonObjectProblem(line);
      if (problem) {
        const torn = newline === -1 && !endsWithNewline;
        return {
          line: lineNumber,
          torn,
          reason: torn
            ? `line ${lineNumber} (the last line) is incomplete, probably cut off by an interrupted write: ${problem}. Fix or delete it before saving.`
            : `line ${lineNumber} is not valid: ${problem}.`,
        };
      }
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return undefined;
}

function jsonObjectProblem(line: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'not a JSON object (each transcript line is one entry object)';
  }
  return undefined;
}
