import { writeFileSync } from 'node:fs';
import { errorsMarkdown } from './errorsMarkdown.js';

writeFileSync('docs/errors.md', errorsMarkdown());
process.stdout.write('wrote docs/errors.md\n');
