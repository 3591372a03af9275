// The sections of a campaign in the console, in the order of its tab bar: each is a screen
// module drawn below the campaign's heading as #/campaigns/<slug>/<section>. A new section is
// one line here and a module beside this one.
import { editorScreen } from './editor.js';
import { layersScreen } from './layers.js';

export const SECTIONS = [
  ['settings', 'section.settings', editorScreen],
  ['layers', 'layers.tab', layersScreen],
];
