/**
 * Atomic file replacement: write a temporary file in the target's directory, fsync it, then
 * rename it over the target (and fsync the directory). A failure at any point before the rename
 * leaves the previous file untouched and removes the temporary one.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

function tryUnlink(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone, or the directory vanished: nothing left to clean up.
  }
}

/** Makes the rename itself durable; not every platform can open or fsync a directory. */
function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Best effort (Windows, some network filesystems).
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Calls `write(fd)` on a fresh temporary file, then atomically replaces `target` with it. */
export function writeFileAtomic(target: string, write: (fd: number) => void): void {
  let resolved = path.resolve(target);
  // Writing through a symlink replaces the file it points to, as a plain open() would.
  try {
    resolved = fs.realpathSync(resolved);
  } catch {
    // The target does not exist yet.
  }
  const dir = path.dirname(resolved);
  const tmp = path.join(dir, `.${path.basename(resolved)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o666);
  let written = false;
  let closed = false;
  try {
    write(fd);
    fs.fsyncSync(fd);
    written = true;
  } finally {
    try {
      fs.closeSync(fd);
      closed = true;
    } finally {
      if (!written || !closed) tryUnlink(tmp);
    }
  }
  try {
    fs.renameSync(tmp, resolved);
  } catch (e) {
    tryUnlink(tmp);
    throw e;
  }
  fsyncDirectory(dir);
}
