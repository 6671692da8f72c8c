// Validation of transcript text before it is written back: every non-empty line must be
// one JSON object, because OpenClaw parses the file line by line and a bad line in the
// middle breaks every reader after it. And the shape of the end of the file: OpenClaw
// appends `JSON + "\n"`, so a file that does not end with exactly one "\n" after its last
// entry glues OpenClaw's next entry onto that line.

export interface InvalidLine {
  /** 1-based line number in the document. */
  line: number;
  /** 1-based column (UTF-16 code units, as editors count) where the line goes wrong. */
  column: number;
  /** 1-based column where the bad line ends, for marking the whole line. */
  endColumn: number;
  /** What is wrong, without position: "Expected ',' or '}' after property value". */
  problem: string;
  /** The message for a person: "line 10, column 19: …". */
  reason: string;
  /** True when this is the last line and it has no line terminator. */
  torn: boolean;
}

/** True when the line holds only spaces, tabs or a trailing CR. OpenClaw skips such lines. */
export function isBlankLine(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * Returns the first line that is not a JSON object, or undefined when every non-empty line
 * is one. Positions are the document's own (line and column), so the editor can point at
 * them; nothing is guessed about how the line came to be (the user may have just typed it).
 */
export function findInvalidLine(content: string | Uint8Array): InvalidLine | undefined {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
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
        const torn = newline === -1;
        const column = Math.min(problem.offset, line.length) + 1;
        const where = `line ${lineNumber}, column ${column}${torn ? ' (the last line)' : ''}`;
        return {
          line: lineNumber,
          column,
          endColumn: line.replace(/\r$/, '').length + 1,
          problem: problem.message,
          reason: `${where}: ${problem.message}`,
          torn,
        };
      }
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return undefined;
}

/**
 * The bytes to write for a transcript: the entries as given, blank lines after the last
 * entry dropped, and exactly one "\n" after it (none for a transcript with no entry), so
 * OpenClaw's next append starts on a line of its own.
 */
export function withOneFinalNewline(content: Uint8Array): Uint8Array {
  let end = content.length;
  while (end > 0 && isBlankByte(content[end - 1])) end -= 1;
  if (end === 0) return new Uint8Array(0);
  if (end === content.length - 1 && content[end] === 0x0a) return content;
  const out = new Uint8Array(end + 1);
  out.set(content.subarray(0, end));
  out[end] = 0x0a;
  return out;
}

function isBlankByte(byte: number): boolean {
  return byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09;
}

function jsonObjectProblem(line: string): { message: string; offset: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return describeJsonError((error as Error).message, line);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { message: 'not a JSON object (each transcript line is one entry object)', offset: line.length - line.trimStart().length };
  }
  return undefined;
}

/**
 * V8 says e.g. `Expected ',' or '}' after property value in JSON at position 18 (line 1
 * column 19)` or `Unterminated string in JSON at position 12`: keep the words, take the offset.
 */
function describeJsonError(message: string, line: string): { message: string; offset: number } {
  const position = /\bat position (\d+)/.exec(message);
  const words = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '').replace(/\s*\(line \d+ column \d+\)\s*$/, '').trim();
  const offset = position ? Number(position[1]) : /Unexpected end of JSON input/.test(message) ? line.length : 0;
  return { message: words.length > 0 ? `${words}` : 'not valid JSON', offset };
}
