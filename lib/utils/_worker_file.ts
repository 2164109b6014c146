/**
 * Where a worker_thread's script is. A Worker runs JavaScript only, so code loaded from the
 * TypeScript sources (ts-jest) starts the compiled copy of the script in dist/ instead.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The repository root when this file runs from the sources (lib/utils/ → ../..). */
const SOURCE_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The compiled `<name>.js` next to `callerFile` (pass `__filename`): its sibling when the caller
 * is compiled itself, else the same folder under dist/. `what` names the feature in the error
 * raised when the compiled file is missing, e.g. 'DataLoader workers'.
 */
export function compiledWorkerFile(callerFile: string, name: string, what: string): string {
  if (callerFile.endsWith('.js')) return path.join(path.dirname(callerFile), `${name}.js`);
  const rel = path.relative(SOURCE_ROOT, path.dirname(callerFile));
  const dist = path.join(SOURCE_ROOT, 'dist', rel, `${name}.js`);
  if (!fs.existsSync(dist)) {
    throw new Error(
      `torchts: ${what} run the compiled package, and ${dist} is missing: run \`npm run setup\` (or npx tsc)`,
    );
  }
  return dist;
}
