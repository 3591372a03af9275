// The sections of a campaign in the console, in the order of its tab bar: each is a screen
// module drawn below the campaign's heading as #/campaigns/<slug>/<section>. A new section is
// one line here and a module beside this one.
import { editorScreen } from './editor.js';
import { membersScreen } from './members.js';
import { publishScreen } from './publish.js';

export const SECTIONS = [
  ['settings', 'section.settings', editorScreen],
  ['members', 'members.tab', membersScreen],
  ['publish', 'publish.tab', publishScreen],
];
