// The sections of a campaign in the console, in the order of its tab bar: each is a screen
// module drawn below the campaign's heading as #/campaigns/<slug>/<section>. A new section is
// one line here and a module beside this one.
import { areaScreen } from './area.js';
import { dashboardScreen } from './dashboard.js';
import { editorScreen } from './editor.js';
import { formBuilderScreen } from './form-builder.js';
import { layersScreen } from './layers.js';
import { membersScreen } from './members.js';
import { outcomesScreen } from './outcomes.js';
import { publishScreen } from './publish.js';
import { reviewScreen } from './review.js';
import { rulesScreen } from './rules.js';
import { targetsScreen } from './targets.js';

export const SECTIONS = [
  ['settings', 'section.settings', editorScreen],
  ['dashboard', 'dashboard.tab', dashboardScreen],
  ['area', 'section.area', areaScreen],
  ['form', 'section.form', formBuilderScreen],
  ['layers', 'layers.tab', layersScreen],
  ['rules', 'rules.tab', rulesScreen],
  ['targets', 'targets.tab', targetsScreen],
  ['review', 'review.tab', reviewScreen],
  ['members', 'members.tab', membersScreen],
  ['publish', 'publish.tab', publishScreen],
  ['outcomes', 'outcomes.tab', outcomesScreen],
];
