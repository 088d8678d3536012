// kill -9 at seeded points while `register` edits a hive and writes .reg and INF files (issue 17); see support.ts.
import { killTests } from './support.js';

killTests([1, 2, 3]);
