import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirectoryLocked extends Error {
  override readonly name = 'DataDirectoryLocked';
}

/**
 * PGlite has no cross-process locking: two processes on one data directory corrupt it. A pid file,
 * created exclusively, makes the second process fail at once; a lock left by a dead process is taken over.
 */
export class DataDirectoryLock {
  private released = false;

  private constructor(private readonly path: string) {}

  static acquire(dataDir: string): DataDirectoryLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'ledgerdesk.lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirectoryLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(readFileSync(path, 'utf8').trim());
        if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
          throw new DataDirectoryLocked(
            `Data directory ${dataDir} is in use by process ${owner}; stop it or set LEDGERDESK_DATA_DIR to another directory`,
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new DataDirectoryLocked(`Could not lock data directory ${dataDir}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
