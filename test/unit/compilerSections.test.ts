// The `# importpath` sections of the compiler's stderr: splitting, which are kept, the output text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SectionStream, sectionScope, sectionsOutput, splitSections } from '../../server/src/engine/compilerSections';
import type { PackageResult } from '../../server/src/engine/types';

function listed(importPath: string, forTest: string | null = null): PackageResult {
  return { importPath, dir: '/m', forTest, files: [], error: null };
}

test('splitSections: headers start sections, go: lines and lines before any header go to other', () => {
  const stderr = 'go: downloading x v1\n# a\na.go:1:2: x escapes to heap\n\na.go:2:1: can inline f\r\ngo: warning\n# b [b.test]\nb.go:3:4: y does not escape';
  const { sections, other } = splitSections(stderr);
  assert.equal(other, 'go: downloading x v1\ngo: warning\n');
  assert.deepEqual(sections, [
    { packagePath: 'a', text: 'a.go:1:2: x escapes to heap\n\na.go:2:1: can inline f\r\n' },
    { packagePath: 'b [b.test]', text: 'b.go:3:4: y does not escape\n' },
  ]);
  assert.deepEqual(splitSections(''), { sections: [], other: '' });
  assert.deepEqual(splitSections('loose line'), { sections: [], other: 'loose line' });
  // `# ` alone is no header: the line stays in its section.
  assert.deepEqual(splitSections('# p\n# \n'), { sections: [{ packagePath: 'p', text: '# \n' }], other: '' });
});

test('sectionsOutput: the test variant section replaces the plain one; packages out of scope are dropped', () => {
  const stderr = [
    '# dep',
    'dep.go:1:1: can inline D',
    '# p',
    'p.go:3:2: moved to heap: x',
    '# p [p.test]',
    'p.go:3:2: moved to heap: x',
    'p_test.go:5:2: moved to heap: y',
    '# p_test [p.test]',
    'ext_test.go:7:2: moved to heap: z',
    '',
  ].join('\n');
  const { sections } = splitSections(stderr);
  // As go list -test lists them once selectPackages has dropped `p` for its variant.
  const packages = [listed('p [p.test]', 'p'), listed('p_test [p.test]', 'p')];
  const output = sectionsOutput(sections, packages);
  assert.equal(output, '# p [p.test]\np.go:3:2: moved to heap: x\np_test.go:5:2: moved to heap: y\n# p_test [p.test]\next_test.go:7:2: moved to heap: z\n');
  // The output splits back into the kept sections, unchanged.
  assert.deepEqual(splitSections(output).sections, sections.slice(2));
  assert.equal(sectionsOutput(sections, [listed('p')]), '# p\np.go:3:2: moved to heap: x\n');
  assert.equal(sectionsOutput(sections, []), '');
});

test('SectionStream: a section is handed on when the next header (or the end) arrives, whatever the chunks', () => {
  const stderr = 'go: downloading x v1\n# a\na.go:1:2: x escapes to heap\n\n# b [b.test]\nb.go:3:4: y does not escape\ngo: warning\n# c\nc.go:1:1: can inline f';
  const whole = splitSections(stderr);
  for (let cut = 1; cut < stderr.length; cut += 3) {
    const got: string[] = [];
    const stream = new SectionStream((s) => got.push(`${s.packagePath}|${s.text}`));
    stream.write(stderr.slice(0, cut));
    // Only sections followed by a header already written are complete.
    const complete = splitSections(stderr.slice(0, cut)).sections.length - 1;
    assert.ok(got.length <= Math.max(0, complete), `cut ${cut}: ${got.length} sections before their end`);
    stream.write(stderr.slice(cut));
    assert.equal(stream.end(), whole.other, `cut ${cut}`);
    assert.deepEqual(
      got,
      whole.sections.map((s) => `${s.packagePath}|${s.text}`),
      `cut ${cut}`,
    );
  }
});

test('sectionScope: what a section is before the package list, as sectionsOutput decides after it', () => {
  const hasTests = (p: string): boolean | undefined => (p === 'p' ? true : p === 'q' ? false : undefined);
  assert.equal(sectionScope('p [p.test]', true, hasTests), 'yes');
  assert.equal(sectionScope('p_test [p.test]', true, hasTests), 'yes');
  assert.equal(sectionScope('dep [p.test]', true, hasTests), 'no', 'a dependency compiled again for a test is not listed');
  assert.equal(sectionScope('p.test', true, hasTests), 'no', 'the generated test main');
  assert.equal(sectionScope('p', true, hasTests), 'later', 'its test variant may replace it');
  assert.equal(sectionScope('q', true, hasTests), 'yes', 'no test files: no variant');
  assert.equal(sectionScope('r', true, hasTests), 'later', 'not listed: wait for the list');
  assert.equal(sectionScope('p', false, hasTests), 'yes', 'without tests nothing replaces it');
});
