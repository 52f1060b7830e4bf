// Progress on stderr while pairs run: a redrawn bar with elapsed time and ETA on a terminal, one plain line
// per finished pair when stderr is not a TTY or CI is set (logs stay readable), nothing with --quiet. The
// empty bar is drawn at the start, when the pairs are handed out (and Ctrl-C is already handled).
export interface ProgressSink {
  start(total: number): void;
  done(label: string, failed: boolean): void;
  finish(): void;
}

export interface ProgressOptions {
  quiet: boolean;
  stream?: NodeJS.WriteStream;
  now?: () => number;
  /** redraw in place; defaults to "stream is a TTY and CI is not set" */
  interactive?: boolean;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function createProgress(opts: ProgressOptions): ProgressSink {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const interactive = opts.interactive ?? (Boolean(stream.isTTY) && !process.env.CI);
  let total = 0;
  let finished = 0;
  let started = 0;

  function line(label: string, failed: boolean): string {
    const elapsed = now() - started;
    const eta = finished > 0 ? (elapsed / finished) * (total - finished) : 0;
    const width = 24;
    const filled = total > 0 ? Math.round((finished / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const status = failed ? ' FAILED' : '';
    return `${bar} ${finished}/${total} ${label}${status}  elapsed ${seconds(elapsed)}  ETA ${seconds(eta)}`;
  }

  function draw(text: string): void {
    if (opts.quiet) return;
    if (interactive) stream.write(`\r\x1b[2K${text}`);
    else stream.write(`${text}\n`);
  }

  return {
    start(n) {
      total = n;
      finished = 0;
      started = now();
      draw(line('started', false));
    },
    done(label, failed) {
      finished++;
      draw(line(label, failed));
    },
    finish() {
      if (!opts.quiet && interactive) stream.write('\n');
    },
  };
}
