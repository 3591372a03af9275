// A very small IndexedDB wrapper, shared by the page and the service worker (which has no
// localStorage): the outbox of captures and a key-value store for the session and settings.
const DB_NAME = 'releve';
const DB_VERSION = 1;
export const OUTBOX = 'outbox';
const SETTINGS = 'settings';

let opening = null;

function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(SETTINGS)) db.createObjectStore(SETTINGS);
    };
    request.onsuccess = () => {
      // Another context upgrading the database must not be blocked by this connection.
      request.result.onversionchange = () => { request.result.close(); opening = null; };
      resolve(request.result);
    };
    request.onerror = () => { opening = null; reject(request.error); };
  });
  return opening;
}

/** Run `work(store)` in one transaction; resolves with the value of the request it returns. */
export async function inStore(name, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = work(transaction.objectStore(name));
    // Resolve on completion, not on the request's success: a write is durable only then.
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export const settings = {
  get: (key) => inStore(SETTINGS, 'readonly', (store) => store.get(key)),
  set: (key, value) => inStore(SETTINGS, 'readwrite', (store) => store.put(value, key)),
  remove: (key) => inStore(SETTINGS, 'readwrite', (store) => store.delete(key)),
};
