// The lab's progress line on stderr: one line rewritten in place on a terminal, one line per message
// otherwise (a CI log), so building and booting an image never looks like a hang.
export function progressLine(prefix: string, stream: NodeJS.WriteStream = process.stderr): (message: string) => void {
  let last = '';
  return (message: string) => {
    const text = `${prefix}: ${message}`;
    if (text === last) return;
    last = text;
    if (stream.isTTY) stream.write(`\r\x1b[K${text.slice(0, (stream.columns || 80) - 1)}`);
    else stream.write(`${text}\n`);
  };
}

/** ends a progress line on a terminal, so the next output starts on its own line */
export function endProgressLine(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write('\r\x1b[K');
}
