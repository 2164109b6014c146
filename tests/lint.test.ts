/**
 * The code base stays linted and formatted: ESLint (typescript-eslint, no explicit `any`) and
 * Prettier over lib/, bin/, examples/, bench/, tests/ and scripts/, as `npm run lint` runs them.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.slice(-4000) };
}

test('eslint reports no problems', () => {
  const r = run(bin('eslint'), ['--max-warnings', '0', 'lib', 'bin', 'examples', 'bench', 'tests', 'scripts']);
  expect(r.output.trim()).toBe('');
  expect(r.status).toBe(0);
}, 240_000);

test('prettier finds every file formatted', () => {
  const r = run(bin('prettier'), ['--list-different', '.']);
  expect(r.output.trim()).toBe('');
  expect(r.status).toBe(0);
}, 240_000);
