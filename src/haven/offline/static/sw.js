/* Haven's offline worker, served by the hub itself. It keeps on this phone the pages of each
   language the reader opened, with that language's PDFs, the stylesheet and the scripts, so
   that they open without internet. Online, every request goes to the network first: the
   reader sees the current page, and the saved copy is used only when the network fails.
   It fetches nothing from any other site and stores nothing about the reader; it never
   touches the staff pages (_staff/) or the host files (_headers, _hosting/). What it keeps
   of a language is listed by the build in offline/<tag>.json, with a hash of each file. */
'use strict';

var SCOPE = self.registration.scope;
var PREFIX = 'haven-offline ' + SCOPE + ' ';
var TAG = /^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8})*$/;
var fromCopy = {};
var running = {};

self.addEventListener('install', function () { self.skipWaiting(); });

self.addEventListener('activate', function (event) {
  var preload = self.registration.navigationPreload;
  if (preload) event.waitUntil(preload.enable());
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var path = local(request.url);
  if (request.method !== 'GET' || path === null || path.charAt(0) === '_') return;
  var page = request.mode === 'navigate';
  var network = page && event.preloadResponse
    ? Promise.resolve(event.preloadResponse).then(function (r) { return r || fetch(request); })
    : fetch(request);
  event.respondWith(network.then(function (response) {
    if (page) delete fromCopy[pageKey(path)];
    return response;
  }, function (error) {
    return saved(path).then(function (response) {
      if (!response) throw error;
      if (page) fromCopy[pageKey(path)] = true;
      return response;
    });
  }));
});

self.addEventListener('message', function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (!port || data.type !== 'keep' || !TAG.test(data.lang)) return;
  var path = event.source && event.source.url ? local(event.source.url) : null;
  var copy = data.offline === true || (path !== null && fromCopy[pageKey(path)] === true);
  event.waitUntil(keep(data.lang, copy, function (state) { port.postMessage(state); }));
});

/* The path of a URL inside the hub, without query or fragment; null outside it. */
function local(url) {
  if (url.indexOf(SCOPE) !== 0) return null;
  return url.slice(SCOPE.length).split('#')[0].split('?')[0];
}

function pageKey(path) { return path.replace(/(^|\/)index\.html$/, '$1'); }

function manifestUrl(tag) { return SCOPE + 'offline/' + tag + '.json'; }

/* A saved response for a path, trying es/help/index.html as es/help/ and es/help as es/help/. */
function saved(path) {
  var variants = [path, pageKey(path)];
  if (path && path.slice(-1) !== '/' && !/\.[^\/]*$/.test(path)) variants.push(path + '/');
  return variants.reduce(function (found, variant) {
    return found.then(function (response) {
      return response || caches.match(SCOPE + variant, {ignoreSearch: true});
    });
  }, Promise.resolve(undefined));
}

/* Tell the page how its language is kept, then bring the saved copy up to date; a page
   shown without internet is the saved copy, and nothing is fetched for it. */
function keep(tag, offline, tell) {
  return current(tag).then(function (copy) {
    if (offline) {
      tell(copy ? {state: 'copy', date: copy.saved} : {state: 'failed'});
      return;
    }
    tell(copy ? {state: 'saved', date: copy.saved} : {state: 'saving'});
    if (!running[tag]) {
      running[tag] = update(tag, copy).then(function (state) {
        delete running[tag];
        return state;
      });
    }
    return running[tag].then(tell);
  });
}

/* The complete saved copy of a language (its manifest is stored last), or null. */
function current(tag) {
  return ours(tag).then(function (names) {
    return Promise.all(names.map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.match(manifestUrl(tag));
      }).then(function (response) {
        return response && response.json().then(function (copy) {
          copy.cache = name;
          return copy;
        });
      });
    }));
  }).then(function (copies) {
    return copies.filter(Boolean).sort(function (a, b) { return a.saved < b.saved ? 1 : -1; })[0] || null;
  });
}

function ours(tag) {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(PREFIX + tag + ' ') === 0; });
  });
}

function update(tag, copy) {
  return fetch(manifestUrl(tag), {cache: 'no-cache'}).then(function (response) {
    if (response.status === 404) return drop(tag, null).then(function () { return null; });
    if (!response.ok) throw new Error('manifest: ' + response.status);
    return response.json().then(function (manifest) {
      if (copy && copy.version === manifest.version) {
        return caches.open(copy.cache).then(function (cache) { return record(cache, tag, copy); });
      }
      return download(tag, manifest, copy);
    });
  }).then(function (copy) {
    return copy ? {state: 'saved', date: copy.saved} : {state: 'failed'};
  }, function () {
    return copy ? {state: 'saved', date: copy.saved} : {state: 'failed'};
  });
}

/* Save a new version of a language whole, or not at all; unchanged files are copied from
   the previous version instead of being downloaded again. */
function download(tag, manifest, copy) {
  var name = PREFIX + tag + ' ' + manifest.version;
  var paths = Object.keys(manifest.files || {});
  if (manifest.language !== tag || !/^[0-9a-f]{16}$/.test(manifest.version) ||
      !paths.every(function (path) { return allowed(tag, path); })) {
    return Promise.reject(new Error('manifest'));
  }
  // Pages first, PDFs last, a few at a time: the reader's own clicks keep most of the line.
  paths.sort(function (a, b) { return (a.indexOf('pdf/') === 0) - (b.indexOf('pdf/') === 0) || (a < b ? -1 : 1); });
  return caches.delete(name).then(function () { return caches.open(name); }).then(function (cache) {
    return each(paths, 3, function (path) {
      return fetched(path, manifest.files[path], copy).then(function (response) {
        return cache.put(SCOPE + path, response);
      });
    }).then(function () {
      return record(cache, tag, {version: manifest.version, files: manifest.files});
    });
  }).then(function (saved) {
    return drop(tag, name).then(function () { return saved; });
  }, function (error) {
    return caches.delete(name).then(function () { throw error; });
  });
}

/* Run `task` on every item, at most `lanes` at once; fails as soon as one fails. */
function each(items, lanes, task) {
  var next = 0;
  function lane() {
    if (next >= items.length) return Promise.resolve();
    return task(items[next++]).then(lane);
  }
  var all = [];
  for (var i = 0; i < lanes; i++) all.push(lane());
  return Promise.all(all);
}

/* Only the hub's shared assets, and this language's pages and PDFs. */
function allowed(tag, path) {
  if (typeof path !== 'string' || /(^|\/)\.|[:\\]|\/\/|^\//.test(path)) return false;
  return path.indexOf('assets/') === 0 || path.indexOf(tag + '/') === 0 ||
    path.indexOf('pdf/' + tag + '/') === 0 || path === 'offline/' + tag + '.json';
}

function fetched(path, hash, copy) {
  var reuse = copy && copy.files && copy.files[path] === hash
    ? caches.open(copy.cache).then(function (cache) { return cache.match(SCOPE + path); })
    : Promise.resolve(undefined);
  return reuse.then(function (old) {
    return old || fetch(SCOPE + path, {cache: 'no-cache', priority: 'low'}).then(function (response) {
      if (!response.ok || response.type !== 'basic' || response.redirected) throw new Error(path);
      return digest(response.clone()).then(function (sum) {
        if (sum !== null && sum !== hash) throw new Error(path + ' is not the version listed');
        return response;
      });
    });
  });
}

/* The first 16 hex digits of the SHA-256 of a response's body, as the build writes them. */
function digest(response) {
  if (!self.crypto || !self.crypto.subtle) return Promise.resolve(null);
  return response.arrayBuffer().then(function (body) {
    return self.crypto.subtle.digest('SHA-256', body);
  }).then(function (sum) {
    return Array.prototype.map.call(new Uint8Array(sum, 0, 8), function (byte) {
      return (byte < 16 ? '0' : '') + byte.toString(16);
    }).join('');
  });
}

/* Store the copy's manifest with today's date: from then on the copy is complete. */
function record(cache, tag, copy) {
  var entry = {version: copy.version, files: copy.files, saved: new Date().toISOString()};
  return cache.put(manifestUrl(tag), new Response(JSON.stringify(entry), {
    headers: {'Content-Type': 'application/json'}
  })).then(function () { return entry; });
}

function drop(tag, keepName) {
  return ours(tag).then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== keepName; }).map(function (name) {
      return caches.delete(name);
    }));
  });
}
