// A user mistake (bad flag, unreadable or invalid file): the CLI prints the one-line message and exits 2,
// with no stack trace. Anything else is a bug and keeps its stack.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** the longest user-provided value an error message repeats; longer ones are cut */
export const MAX_SHOWN = 80;

/** `text` on one line, cut to `max` characters with "…" — a 100 MB bad value must not become a 100 MB message */
export function clip(text: string, max = MAX_SHOWN): string {
  const cut = text.length > max * 4;
  const flat = (cut ? text.slice(0, max * 4) : text).replace(/\s+/g, ' ');
  return cut || flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** a value as JSON for an error message, cut like clip */
export function shown(value: unknown): string {
  const head = typeof value === 'string' && value.length > MAX_SHOWN * 4 ? value.slice(0, MAX_SHOWN * 4) : value;
  return clip(JSON.stringify(head) ?? String(head), MAX_SHOWN);
}

/** longest message kept: a plugin's message is its own, and a results file or a terminal line is no place for a novel */
const MAX_ERROR_CHARS = 300;

/** one line for whatever was thrown (by plugin code, above all): an Error's first message line, or what a non-Error value was */
export function describeThrown(err: unknown): string {
  let text: string;
  if (err instanceof Error) {
    text = err.message.split('\n')[0] || `${err.name} without a message`;
  } else {
    let shown: string;
    try {
      shown = typeof err === 'string' ? JSON.stringify(err) : typeof err === 'object' && err !== null ? `an object ${JSON.stringify(err)}` : String(err);
    } catch {
      shown = `an unprintable ${typeof err}`;
    }
    text = `threw a non-Error value: ${shown ?? String(err)}`;
  }
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
