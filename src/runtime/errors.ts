/** An error the user caused and can fix (bad config, missing file, malformed record): exit code 2, no stack. */
export class UserError extends Error {
  override readonly name: string = "UserError";
}

/** Formats "file:line: reason" so every data error names where it happened. */
export function atLine(file: string, line: number, reason: string): UserError {
  return new UserError(`${file}:${line}: ${reason}`);
}
