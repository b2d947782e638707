// Tests run against the local stack: its settings fill in whatever the environment leaves unset.
import { existsSync } from 'node:fs';

if (existsSync('ops/local.env')) process.loadEnvFile('ops/local.env');
