// Progress on stderr while pairs run: a redrawn bar with elapsed time and ETA on a terminal, one plain line
// per finished pair when stderr is not a TTY or CI is set (logs stay readable), nothing with --quiet.
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

  return {
    start(n) {
      total = n;
      finished = 0;
      started = now();
    },
    done(label, failed) {
      finished++;
      if (opts.quiet) return;
      if (interactive) stream.write(`\r\x1b[2K${line(label, failed)}`);
      else stream.write(`${line(label, failed)}\n`);
    },
    finish() {
      if (!opts.quiet && interactive) stream.write('\n');
    },
  };
}
