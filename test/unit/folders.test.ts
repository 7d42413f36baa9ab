// Workspace folders: which folder owns a path, folder-list changes, and settings per folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInside } from '../../server/src/engine/paths';
import { changeFolders, configurationItems, owningFolder, profileSource, settingsFromConfiguration } from '../../server/src/lsp/folders';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/protocol';

test('owningFolder picks the innermost folder containing the path, not a prefix sibling', () => {
  const folders = [{ path: '/w/app' }, { path: '/w/app/tools' }, { path: '/w/lib' }];
  assert.equal(owningFolder(folders, '/w/app/main.go')?.path, '/w/app');
  assert.equal(owningFolder(folders, '/w/app/tools/gen/x.go')?.path, '/w/app/tools');
  assert.equal(owningFolder(folders, '/w/app/tools')?.path, '/w/app/tools');
  // Order does not matter: the nested folder wins either way.
  assert.equal(owningFolder([...folders].reverse(), '/w/app/tools/x.go')?.path, '/w/app/tools');
  assert.equal(owningFolder(folders, '/w/application/x.go'), null, '/w/app is no folder of /w/application');
  assert.equal(owningFolder(folders, '/elsewhere/x.go'), null);
  assert.equal(isInside('/w/app/x.go', '/w/app/'), true, 'a folder path with a trailing separator');
});

test('changeFolders removes, then adds without duplicates', () => {
  const a = { uri: 'file:///a' };
  const b = { uri: 'file:///b' };
  const c = { uri: 'file:///c' };
  assert.deepEqual(changeFolders([a, b], [c], [a]), [b, c]);
  assert.deepEqual(changeFolders([a, b], [b], []), [a, b]);
  assert.deepEqual(changeFolders([a], [a], [a]), [a], 'removed and re-added in one event');
});

test('configurationItems asks for the window first, then each folder by URI', () => {
  assert.deepEqual(configurationItems([{ uri: 'file:///a' }, { uri: 'file:///b' }]), [
    { section: 'heapscope' },
    { section: 'heapscope', scopeUri: 'file:///a' },
    { section: 'heapscope', scopeUri: 'file:///b' },
  ]);
});

test("settingsFromConfiguration: window falls back to init options, folders to the window, trust is the window's", () => {
  const folders = [
    { uri: 'file:///a', path: '/a' },
    { uri: 'file:///b', path: '/b' },
  ];
  const got = settingsFromConfiguration([null, { gcflags: ['-l'], trusted: true }, null], folders, { trusted: false, buildTags: ['x'] });
  assert.deepEqual(got.window.buildTags, ['x']);
  assert.equal(got.window.trusted, false);
  assert.deepEqual(got.folders[0]!.settings!.gcflags, ['-l']);
  assert.equal(got.folders[0]!.settings!.trusted, false, 'a folder cannot trust itself');
  assert.equal(got.folders[1]!.settings, null, 'no answer for B: it uses the window');
  // A client that answers fewer items than asked.
  assert.equal(settingsFromConfiguration([{}], folders, undefined).folders[1]!.settings, null);
});

test('profileSource: the first folder with its own profiles, else the window relative to its root', () => {
  const withProfiles = normalizeSettings({ profiles: ['mem.pprof'] });
  const folders = [
    { uri: 'file:///a', path: '/a', settings: DEFAULT_SETTINGS },
    { uri: 'file:///b', path: '/b', settings: withProfiles },
  ];
  assert.deepEqual(profileSource(DEFAULT_SETTINGS, folders, '/a'), { settings: withProfiles, root: '/b' });
  assert.deepEqual(profileSource(withProfiles, [folders[0]!], '/a'), { settings: withProfiles, root: '/a' });
});
