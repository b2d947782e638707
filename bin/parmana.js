#!/usr/bin/env node
// The `parmana` command: a thin shim over the compiled CLI (run `npm run build` first).
import '../dist/ops/cli/main.js';
