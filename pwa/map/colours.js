// One colour per observation status, distinct for the common forms of colour blindness on a
// light background; the legends, the layers and the PWA's badges read the same table. Kept apart
// from map.js so that pages can use it without loading MapLibre.
export const STATUS_COLOURS = {
  pending: '#e69f00',
  needs_review: '#56b4e9',
  needs_info: '#0072b2',
  flagged: '#d55e00',
  validated: '#009e73',
  rejected: '#7f7f7f',
  duplicate: '#cc79a7',
  withdrawn: '#bbbbbb',
};
export const OTHER_COLOUR = '#444444';
