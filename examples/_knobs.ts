/**
 * Command-line flags shared by the examples, each with an environment fallback, so CI (and a
 * quick look) can run them shortened: `TORCHTS_EXAMPLE_BATCHES=3 node dist/examples/simple_cnn.js
 * --epochs 1 --data /tmp/data`. Flags win over the environment, which wins over the defaults.
 *
 *   --epochs N          TORCHTS_EXAMPLE_EPOCHS    epochs to train
 *   --batches N         TORCHTS_EXAMPLE_BATCHES   batches per epoch, train and test (default: all)
 *   --batch-size N      TORCHTS_EXAMPLE_BATCH_SIZE
 *   --lr X              TORCHTS_EXAMPLE_LR
 *   --workers N         TORCHTS_EXAMPLE_WORKERS   DataLoader num_workers
 *   --data DIR          TORCHTS_EXAMPLE_DATA      dataset root (default ./data)
 *   --no-verify         TORCHTS_EXAMPLE_NO_VERIFY=1: skip the CIFAR MD5 checks (a re-packed or
 *                       locally generated archive in the real layout)
 */
import { parseArgs } from 'util';
import type { utils } from 'torchts';
import { datasets } from 'torchts/vision';

type WorkerSpec = utils.data.WorkerSpec;

export interface Knobs {
  epochs: number;
  /** 0: the whole epoch. */
  batches: number;
  batch_size: number;
  lr: number;
  workers: number;
  data: string;
  verify: boolean;
  /** Flags only some examples have, by name (strings as given; booleans as 'true'). */
  extra: Record<string, string | undefined>;
}

export interface KnobDefaults {
  epochs: number;
  batch_size: number;
  lr: number;
  workers: number;
}

/** An example's own flag: its environment variable and help text. */
export interface ExtraKnob {
  env?: string;
  type: 'string' | 'boolean';
  short?: string;
  help: string;
}

const COMMON: Record<string, { env: string; type: 'string' | 'boolean'; help: string }> = {
  epochs: { env: 'TORCHTS_EXAMPLE_EPOCHS', type: 'string', help: 'epochs to train' },
  batches: { env: 'TORCHTS_EXAMPLE_BATCHES', type: 'string', help: 'batches per epoch (train and test; 0 = all)' },
  'batch-size': { env: 'TORCHTS_EXAMPLE_BATCH_SIZE', type: 'string', help: 'batch size' },
  lr: { env: 'TORCHTS_EXAMPLE_LR', type: 'string', help: 'learning rate' },
  workers: { env: 'TORCHTS_EXAMPLE_WORKERS', type: 'string', help: 'DataLoader num_workers' },
  data: { env: 'TORCHTS_EXAMPLE_DATA', type: 'string', help: 'dataset root' },
  'no-verify': { env: 'TORCHTS_EXAMPLE_NO_VERIFY', type: 'boolean', help: 'skip the dataset MD5 checks' },
};

function number(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name}: expected a non-negative number, got '${raw}'`);
    process.exit(2);
  }
  return v;
}

/** Parses process.argv (and the environment); `--help` prints every flag and exits. */
export function knobs(usage: string, defaults: KnobDefaults, extra: Record<string, ExtraKnob> = {}): Knobs {
  const all = { ...COMMON, ...extra };
  const options = Object.fromEntries(
    Object.entries(all).map(([k, o]) => [k, { type: o.type, ...('short' in o && o.short ? { short: o.short } : {}) }]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n(--help lists the flags)`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    for (const [k, o] of Object.entries(all)) console.log(`  --${k.padEnd(16)} ${(o.env ?? '').padEnd(32)} ${o.help}`);
    process.exit(0);
  }
  const get = (k: string): string | undefined => {
    const v = values[k];
    if (v !== undefined) return String(v);
    const env = all[k].env;
    const e = env ? process.env[env] : undefined;
    return e === undefined || e === '' ? undefined : e;
  };
  const flag = (k: string) => ['1', 'true', 'yes'].includes((get(k) ?? '').toLowerCase());
  return {
    epochs: number('epochs', get('epochs'), defaults.epochs),
    batches: number('batches', get('batches'), 0),
    batch_size: number('batch-size', get('batch-size'), defaults.batch_size),
    lr: number('lr', get('lr'), defaults.lr),
    workers: number('workers', get('workers'), defaults.workers),
    data: get('data') ?? './data',
    verify: !flag('no-verify'),
    extra: Object.fromEntries(
      Object.keys(extra).map((k) => [k, extra[k].type === 'boolean' ? String(flag(k)) : get(k)]),
    ),
  };
}

/** CIFAR10 / CIFAR100 without MD5 checks: for an archive in the real layout that is not the original. */
export class UnverifiedCIFAR10 extends datasets.CIFAR10 {
  static tgz_md5: string | null = null;
  static train_list = datasets.CIFAR10.train_list.map(([f]): [string, string | null] => [f, null]);
  static test_list = datasets.CIFAR10.test_list.map(([f]): [string, string | null] => [f, null]);
  static meta = { ...datasets.CIFAR10.meta, md5: null };
  /** DataLoader workers rebuild the dataset from this module (num_workers > 0). */
  workerSpec(): WorkerSpec {
    return { module: __filename, exportName: 'UnverifiedCIFAR10', state: { ...(this as object) } };
  }
}

export class UnverifiedCIFAR100 extends datasets.CIFAR100 {
  static tgz_md5: string | null = null;
  static train_list = datasets.CIFAR100.train_list.map(([f]): [string, string | null] => [f, null]);
  static test_list = datasets.CIFAR100.test_list.map(([f]): [string, string | null] => [f, null]);
  static meta = { ...datasets.CIFAR100.meta, md5: null };
  workerSpec(): WorkerSpec {
    return { module: __filename, exportName: 'UnverifiedCIFAR100', state: { ...(this as object) } };
  }
}

/** The dataset class to use: torchvision's, or its unverified twin with --no-verify. */
export function cifar(which: 10 | 100, verify: boolean): typeof datasets.CIFAR10 {
  if (verify) return which === 10 ? datasets.CIFAR10 : datasets.CIFAR100;
  return which === 10 ? UnverifiedCIFAR10 : UnverifiedCIFAR100;
}
