// A Finding for tests: an escape.heap information finding on line 1 of /x.go with nothing attached;
// each test names only the fields it is about.
import type { Finding } from '../../server/src/engine/types';

export function testFinding(fields: Partial<Finding> = {}): Finding {
  return {
    file: '/x.go',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    severity: 'information',
    kind: 'escape.heap',
    message: 'is allocated on the heap',
    compiler: null,
    related: [],
    fixes: [],
    alloc: null,
    packagePath: 'p',
    decision: null,
    ...fields,
  };
}
