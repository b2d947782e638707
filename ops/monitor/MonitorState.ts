import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the monitor trusts: the last checkpoint it verified, kept outside the log's database. */
export interface MonitorState {
  readonly origin: string;
  readonly treeSize: number;
  /** base64 */
  readonly rootHash: string;
  readonly note: string;
  readonly verifiedAt: string;
}

/** The state file: written whole to a temporary file and renamed, so a crash never leaves half a state. */
export class MonitorStateFile {
  constructor(private readonly file: string) {}

  load(): MonitorState | null {
    if (!existsSync(this.file)) return null;
    return JSON.parse(readFileSync(this.file, 'utf8')) as MonitorState;
  }

  save(state: MonitorState): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
