// Geometry on the client: areas and lengths on a sphere (what a contributor sees while drawing;
// the server measures again on the ellipsoid), an accuracy circle, bounding boxes.
// Why the browser gave no position (GeolocationPositionError codes), as the app's texts name it.
const POSITION_PROBLEMS = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };
export const positionProblem = (error) => POSITION_PROBLEMS[error?.code] || 'unavailable';

const RADIUS = 6378137; // metres, the WGS 84 equatorial radius (as in Web Mercator)
const rad = (degrees) => (degrees * Math.PI) / 180;

/**
 * Area of a ring of [lon, lat] on the sphere, in m² (Chamberlain & Duquette, "Some algorithms
 * for polygons on a sphere", JPL 2007): the spherical excess summed edge by edge.
 */
export function ringArea(ring) {
  let total = 0;
  const count = ring.length;
  if (count < 3) return 0;
  for (let i = 0; i < count; i += 1) {
    const [lon1, lat1] = ring[i];
    const [lon2, lat2] = ring[(i + 1) % count];
    total += rad(lon2 - lon1) * (2 + Math.sin(rad(lat1)) + Math.sin(rad(lat2)));
  }
  return Math.abs((total * RADIUS * RADIUS) / 2);
}

/** Area of a GeoJSON Polygon in m² (outer ring minus holes). */
export function polygonArea(coordinates) {
  const [outer, ...holes] = coordinates;
  return holes.reduce((area, hole) => area - ringArea(hole), ringArea(outer));
}

/** Great-circle distance in metres (haversine). */
export function distance([lon1, lat1], [lon2, lat2]) {
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2
    + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
}

export const lineLength = (points) =>
  points.slice(1).reduce((sum, point, i) => sum + distance(points[i], point), 0);

/** A polygon approximating the circle of `radius` metres around [lon, lat]. */
export function circle([lon, lat], radius, steps = 48) {
  const ring = [];
  const dLat = radius / RADIUS;
  const dLon = dLat / Math.cos(rad(lat));
  for (let i = 0; i <= steps; i += 1) {
    const angle = (2 * Math.PI * i) / steps;
    ring.push([lon + (dLon * Math.cos(angle) * 180) / Math.PI, lat + (dLat * Math.sin(angle) * 180) / Math.PI]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

/** [west, south, east, north] of any GeoJSON geometry. */
export function bbox(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (value) => {
    if (typeof value[0] === 'number') {
      box[0] = Math.min(box[0], value[0]); box[1] = Math.min(box[1], value[1]);
      box[2] = Math.max(box[2], value[0]); box[3] = Math.max(box[3], value[1]);
    } else value.forEach(visit);
  };
  visit(geometry.coordinates);
  return box;
}

/**
 * Follow the device's position as it improves: `onFix({lonLat, accuracy})` on each fix,
 * `onError(error)` as locate() rejects. Returns a function that stops following.
 */
export function watchPosition(onFix, onError) {
  const failure = (problem) => Object.assign(new Error(`geolocation: ${problem}`), { problem });
  if (!navigator.geolocation) { onError(failure('unsupported')); return () => {}; }
  const id = navigator.geolocation.watchPosition(
    ({ coords }) => onFix({ lonLat: [coords.longitude, coords.latitude], accuracy: coords.accuracy }),
    (error) => onError(failure(positionProblem(error))),
    { enableHighAccuracy: true, timeout: 30000, maximumAge: 0 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
