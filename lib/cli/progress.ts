/**
 * The per-epoch progress bar (cli-progress): batches done, running loss and accuracy, images/s
 * and ETA. Only on a terminal: when stdout is not a TTY (CI logs, pipes) nothing is drawn and
 * the per-epoch summary lines the caller prints are the whole log.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface BatchStats {
  loss: number;
  /** Fraction correct so far, 0..1. */
  acc: number;
  images_per_s: number;
}

export interface EpochProgress {
  update(batches_done: number, stats: BatchStats): void;
  stop(): void;
}

const SILENT: EpochProgress = { update: () => undefined, stop: () => undefined };

function payload(s: BatchStats): Record<string, string> {
  return { loss: s.loss.toFixed(4), acc: (100 * s.acc).toFixed(2), ips: Math.round(s.images_per_s).toString() };
}

/** A bar for one pass over `total` batches, or a no-op when disabled or stdout is not a terminal. */
export function epochBar(label: string, total: number, enabled: boolean): EpochProgress {
  if (!enabled || !process.stdout.isTTY) return SILENT;
  const bar = new SingleBar(
    {
      format:
        `${label} |{bar}| {percentage}% {value}/{total} | loss {loss} acc {acc}% | {ips} img/s | ` +
        'ETA {eta_formatted}',
      stream: process.stdout,
      barsize: 24,
      // The cursor stays visible: a hidden one would stay hidden after Ctrl-C.
      hideCursor: false,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, payload({ loss: 0, acc: 0, images_per_s: 0 }));
  return {
    update: (done, stats) => bar.update(done, payload(stats)),
    stop: () => bar.stop(),
  };
}
