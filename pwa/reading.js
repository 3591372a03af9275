// What the contributor has read. The server keeps one mark per account (POST /me/timeline/read:
// everything up to an event id is read). Reading one contribution's timeline must clear its news
// without passing over older unseen news of another one, so the device also remembers which
// newer entries were seen, and the mark moves only over entries that all were.
const key = (app) => `releve.seen.${app.session.user.id}`;

/** {event id: observation id} of entries seen on this device above the server's mark. */
function seen(app) {
  try {
    return JSON.parse(localStorage.getItem(key(app)) || '{}');
  } catch {
    return {};
  }
}

function keep(app, entries, readUpTo) {
  const left = Object.fromEntries(Object.entries(entries).filter(([id]) => Number(id) > readUpTo));
  localStorage.setItem(key(app), JSON.stringify(left));
}

/** The unread counts of `/me/observations` less what was seen here: {total, of(observationId)}. */
export function unreadCounts(app, answer) {
  const entries = seen(app);
  keep(app, entries, answer.read_up_to);
  const counts = {};
  for (const [id, observation] of Object.entries(entries)) if (Number(id) > answer.read_up_to) counts[observation] = (counts[observation] || 0) + 1;
  const of = (id) => Math.max(0, (answer.observations.find((o) => o.feature.id === id)?.unread || 0) - (counts[id] || 0));
  return { total: answer.observations.reduce((sum, o) => sum + of(o.feature.id), 0), of };
}

/**
 * The timeline of `id` was shown with its `events`: remember its unread entries, then move the
 * server's mark as far as every unread entry below it was seen. Resolves with the unread count left.
 */
export async function timelineRead(app, answer, id, events) {
  const entries = seen(app);
  for (const event of events) if (event.unread) entries[event.id] = id;
  let upTo = Math.max(answer.read_up_to, ...events.map((e) => e.id));
  for (const other of answer.observations) {
    if (other.feature.id === id || !other.unread) continue;
    const { body } = await app.call(`/observations/${other.feature.id}/timeline`);
    const unseen = body.events.find((e) => e.unread && !entries[e.id]);
    if (unseen) upTo = Math.min(upTo, unseen.id - 1);
  }
  let readUpTo = answer.read_up_to;
  if (upTo > readUpTo) {
    const { body } = await app.call('/me/timeline/read', { method: 'POST', json: { up_to: upTo } });
    readUpTo = body.read_up_to;
  }
  keep(app, entries, readUpTo);
  const { body: fresh } = await app.call('/me/observations');
  app.contributions = fresh.observations;
  return { answer: fresh, counts: unreadCounts(app, fresh) };
}
