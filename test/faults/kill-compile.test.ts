// kill -9 at seeded points while `compile` writes 12 outputs (issue 17); see support.ts.
import { killTests } from './support.js';

killTests([0]);
