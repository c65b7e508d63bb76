/** An error the user caused and can fix (bad config, missing file, malformed record): exit code 2, no stack. */
export class UserError extends Error {
  override readonly name: string = "UserError";
}

/** Formats "file:line: reason" so every data error names where it happened. */
export function atLine(file: string, line: number, reason: string): UserError {
  return new UserError(`${file}:${line}: ${reason}`);
}

/** Exit code of an environment error: the file system or the machine refused (see describeSystemError). */
export const EXIT_ENVIRONMENT = 4;

/** A problem of the machine rather than of the input (a read-only or full disk): exit 4, the path named. */
export class EnvironmentError extends Error {
  override readonly name = "EnvironmentError";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const CAUSES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EEXIST: "already exists",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder, where a file is expected",
  ENAMETOOLONG: "file name too long",
  ENOTEMPTY: "folder not empty",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
  EBUSY: "resource busy",
  ENOMEM: "out of memory",
};

/**
 * One line for an error the operating system raised on a file (an errno code such as EROFS or ENOSPC and
 * the path it concerns), or undefined when the error is not one (a bug). ENOENT is not here: a file the
 * user named that does not exist is a user error, reported where it is read.
 */
export function describeSystemError(error: unknown): string | undefined {
  if (error instanceof EnvironmentError) return error.message;
  const errno = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof errno.code !== "string" || !/^E[A-Z]+$/.test(errno.code)) {
    return undefined;
  }
  if (errno.code === "ENOENT") return undefined;
  const cause = CAUSES[errno.code] ?? error.message;
  const where = errno.path ?? errno.syscall ?? "file system";
  return `${where}: ${cause} (${errno.code}${errno.syscall ? `, ${errno.syscall}` : ""})`;
}
