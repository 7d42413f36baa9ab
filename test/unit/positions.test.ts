import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex, byteColumnToCharacter, characterToByteColumn } from '../../server/src/engine/positions';

test('ASCII and tabs: a byte column is the character + 1', () => {
  const idx = new LineIndex('package p\n\n\tx := 1\n');
  assert.equal(idx.lineCount, 4);
  assert.equal(idx.lineText(2), '\tx := 1');
  assert.deepEqual(idx.byteColumnToUtf16(3, 2), { line: 2, character: 1 }); // x after one tab
  assert.deepEqual(idx.utf16ToByteColumn(2, 1), { line: 3, column: 2 });
});

test('non-ASCII identifier: größe is 7 bytes but 5 UTF-16 units', () => {
  const idx = new LineIndex('package p\n\tgröße := 0; y := größe\n');
  const line = idx.lineText(1);
  // The compiler's column of `y`: bytes before it + 1.
  const yByteCol = Buffer.byteLength(line.slice(0, line.indexOf('y'))) + 1;
  assert.equal(yByteCol, 16);
  assert.deepEqual(idx.byteColumnToUtf16(2, yByteCol), { line: 1, character: line.indexOf('y') });
  assert.deepEqual(idx.utf16ToByteColumn(1, line.indexOf('y')), { line: 2, column: yByteCol });
  // A byte column in the middle of `ö` (2 bytes) rounds down to the character's start.
  assert.deepEqual(idx.byteColumnToUtf16(2, 5), { line: 1, character: 3 });
});

test('emoji in a string before the point: 4 bytes, 2 UTF-16 units', () => {
  const src = 'package p\nvar s = "😀😀" + w\n';
  const idx = new LineIndex(src);
  const line = idx.lineText(1);
  const wChar = line.indexOf('w');
  const wByte = Buffer.byteLength(line.slice(0, wChar)) + 1;
  assert.equal(wByte - 1 - wChar, 4); // two emoji: 8 bytes vs 4 units
  assert.deepEqual(idx.byteColumnToUtf16(2, wByte), { line: 1, character: wChar });
  assert.deepEqual(idx.utf16ToByteColumn(1, wChar), { line: 2, column: wByte });
  // A UTF-16 character between the two halves of a surrogate pair rounds down to the pair.
  const emoji = line.indexOf('😀');
  assert.deepEqual(idx.utf16ToByteColumn(1, emoji + 1), { line: 2, column: emoji + 1 });
});

test('CRLF: the \\r is not part of the line and columns past the end clamp before it', () => {
  const idx = new LineIndex('package p\r\nfunc f() {}\r\n');
  assert.equal(idx.lineCount, 3);
  assert.equal(idx.lineText(0), 'package p');
  assert.equal(idx.lineText(1), 'func f() {}');
  assert.deepEqual(idx.byteColumnToUtf16(2, 6), { line: 1, character: 5 });
  assert.deepEqual(idx.byteColumnToUtf16(2, 200), { line: 1, character: 11 });
  assert.deepEqual(idx.utf16ToByteColumn(0, 99), { line: 1, column: 10 });
  assert.equal(idx.offsetAt({ line: 1, character: 0 }), 11);
  assert.deepEqual(idx.positionAt(10), { line: 0, character: 9 }); // inside "\r\n"
  assert.deepEqual(idx.positionAt(11), { line: 1, character: 0 });
});

test('column 0 means no column: the first non-blank character of the line', () => {
  const idx = new LineIndex('package p\n\t\t  return x\n');
  assert.deepEqual(idx.byteColumnToUtf16(2, 0), { line: 1, character: 4 });
});

test('lines out of range clamp into the text', () => {
  const idx = new LineIndex('a\nbc');
  assert.deepEqual(idx.byteColumnToUtf16(99, 2), { line: 1, character: 1 });
  assert.deepEqual(idx.byteColumnToUtf16(0, 1), { line: 0, character: 0 });
  assert.equal(idx.offsetAt({ line: 5, character: 5 }), 4);
  assert.deepEqual(idx.offsetToByte(3), { line: 2, column: 2 });
  assert.equal(idx.byteToOffset(2, 2), 3);
});

test('property: byte columns agree with Buffer.byteLength at every code point boundary', () => {
  const lineArb = fc.array(fc.constantFrom('a', '\t', ' ', 'é', 'ß', '😀', '中', 'x', '"'), { maxLength: 20 }).map((a) => a.join(''));
  fc.assert(
    fc.property(fc.array(lineArb, { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, crlf) => {
      const idx = new LineIndex(lines.join(crlf ? '\r\n' : '\n'));
      lines.forEach((line, l) => {
        assert.equal(idx.lineText(l), line);
        for (let ch = 0; ch <= line.length; ch++) {
          const code = line.charCodeAt(ch - 1);
          if (ch > 0 && code >= 0xd800 && code <= 0xdbff) continue; // inside a surrogate pair
          const byteCol = Buffer.byteLength(line.slice(0, ch)) + 1;
          assert.deepEqual(idx.utf16ToByteColumn(l, ch), { line: l + 1, column: byteCol });
          assert.deepEqual(idx.byteColumnToUtf16(l + 1, byteCol), { line: l, character: ch });
          assert.equal(byteColumnToCharacter(line, byteCol), ch);
          assert.equal(characterToByteColumn(line, ch), byteCol);
          const off = idx.offsetAt({ line: l, character: ch });
          assert.deepEqual(idx.positionAt(off), { line: l, character: ch });
        }
      });
    }),
  );
});

test('building an index for a 5,000-line file is cheap', () => {
  const text = Array.from({ length: 5000 }, (_, i) => `\tx${i} := make([]byte, ${i}) // größe`).join('\n');
  const t0 = performance.now();
  const idx = new LineIndex(text);
  const built = performance.now() - t0;
  assert.equal(idx.lineCount, 5000);
  assert.ok(built < 20, `built in ${built} ms`);
  assert.deepEqual(idx.byteColumnToUtf16(5000, 3), { line: 4999, character: 2 });
});

test('property: withEdit gives the same index as building one for the edited text', () => {
  const piece = fc.array(fc.constantFrom('a', '\n', '\r\n', 'é', '😀', '\t'), { maxLength: 12 }).map((a) => a.join(''));
  fc.assert(
    fc.property(piece, fc.nat(), fc.nat(8), piece, (text, at, len, inserted) => {
      const start = at % (text.length + 1);
      const oldEnd = Math.min(text.length, start + len);
      const newText = text.slice(0, start) + inserted + text.slice(oldEnd);
      const old = new LineIndex(text);
      for (let l = 0; l < old.lineCount; l++) old.utf16ToByteColumn(l, 3); // fill the per-line ASCII cache
      const inc = old.withEdit(start, oldEnd, inserted, newText);
      const fresh = new LineIndex(newText);
      assert.equal(inc.lineCount, fresh.lineCount);
      for (let l = 0; l < fresh.lineCount; l++) {
        assert.equal(inc.lineStart(l), fresh.lineStart(l));
        assert.equal(inc.lineText(l), fresh.lineText(l));
        for (let ch = 0; ch <= fresh.lineText(l).length; ch++) assert.deepEqual(inc.utf16ToByteColumn(l, ch), fresh.utf16ToByteColumn(l, ch));
      }
    }),
    { numRuns: 300 },
  );
});
