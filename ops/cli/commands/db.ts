import { join } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { migrate } from '../../db/migrate.js';
import { provision } from '../../provision/provision.js';
import type { Command } from '../command.js';
import { databaseUrlAs } from '../../runtime/databaseConnection.js';

const migrateCommand: Command = {
  path: ['db', 'migrate'],
  usage: 'db migrate',
  summary: 'Apply pending audit-table migrations (advisory-locked)',
  async run(_args, io) {
    const config = loadConfig(io.env, 'sink');
    const applied = await migrate(databaseUrlAs(config, 'owner', io.cwd), join(io.cwd, 'ops/migrations'));
    io.stdout(applied.length === 0 ? 'migrations up to date' : `applied ${applied.join(', ')}`);
    return 0;
  },
};

const provisionCommand: Command = {
  path: ['provision'],
  usage: 'provision',
  summary: 'Create topics, register Avro schemas (BACKWARD) and migrate the audit database',
  async run(_args, io) {
    await provision(loadConfig(io.env, 'stack'), io.cwd, io.stdout);
    return 0;
  },
};

/** `parmana db migrate` and `parmana provision`. */
export const dbCommands: readonly Command[] = [migrateCommand, provisionCommand];
