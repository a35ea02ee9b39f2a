/** A progress bar on stderr, started by its first update (when the total is known); a no-op off a terminal. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

/**
 * The bar for `done/total` work (bytes, rows). cli-progress is loaded only on a terminal: loading
 * it would cost every other run start-up time.
 */
export async function progressBar(isTTY: boolean, format: string, opts: { clearOnComplete?: boolean } = {}): Promise<Progress> {
  if (!isTTY) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format, etaBuffer: 50, ...opts }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}
