// A user mistake (bad flag, unreadable or invalid file): the CLI prints the one-line message and exits 2,
// with no stack trace. Anything else is a bug and keeps its stack.
export class UsageError extends Error {
  override name = 'UsageError';
}
