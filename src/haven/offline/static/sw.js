/* Haven's offline worker, served by the hub itself. It keeps on this phone the pages of each
   language the reader opened, the stylesheet and the scripts, so that they open without
   internet; the language's PDFs only when the reader asks, or comes back to the language
   with the browser's data-saver off. Online, every request goes to the network first: the
   reader sees the current page, and the saved copy is used when the network fails or does
   not answer within a few seconds (then the page says so). A page that is not saved (the
   language chooser, another language) gets, offline, the saved page that lists the
   languages saved on this phone, instead of the browser's error page.
   It fetches nothing from any other site and stores nothing about the reader but how many
   times a language was opened; it never touches the staff pages (_staff/) or the host files
   (_headers, _hosting/). What it keeps of a language is listed by the build in
   offline/<tag>.json, with a hash and the size of each file. */
'use strict';

var SCOPE = self.registration.scope;
var PREFIX = 'haven-offline ' + SCOPE + ' ';
var TAG = /^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8})*$/;
var WAIT = 3000;       // the saved copy, when the network has not answered in this long
var WAIT_MISSING = 10000;  // the list of saved languages, for a page that is not saved
var STALLED = 15000;   // after the network stalled, saved files are used at once this long
var MARK = '<!--haven:saved-languages-->';
var stalledAt = 0;
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
  var own = page && /^([^\/]+)\/offline\/(index\.html)?$/.exec(path);
  if (own) {
    // The page of what is saved lists, from the phone itself, the languages saved on it.
    event.respondWith(listing(own[1], path, '').then(function (response) {
      return response || answer(event, path, page);
    }));
    return;
  }
  event.respondWith(answer(event, path, page));
});

/* Network first; the saved copy when the network fails or keeps silent for WAIT. */
function answer(event, path, page) {
  var request = event.request;
  return saved(path).then(function (copy) {
    if (copy && Date.now() - stalledAt < STALLED) return shown(path, page, 'slow', copy);
    var network = page && event.preloadResponse
      ? Promise.resolve(event.preloadResponse).then(function (r) { return r || fetch(request); })
      : fetch(request);
    return new Promise(function (resolve, reject) {
      var done = false;
      function give(response) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(response);
      }
      function instead(why, error) {
        // Once answered, a late failure (the preload cancelled, say) changes nothing.
        if (done) return Promise.resolve();
        var other = copy ? Promise.resolve(shown(path, page, why, copy))
          : page ? missing(request, path, why) : Promise.resolve(undefined);
        return other.then(function (response) {
          if (response) give(response);
          else if (error && !done) { done = true; reject(error); }
        });
      }
      var wait = copy ? WAIT : page ? WAIT_MISSING : 0;
      var timer = wait ? setTimeout(function () {
        if (done) return;
        stalledAt = Date.now();
        instead('slow', null);
      }, wait) : 0;
      network.then(function (response) {
        stalledAt = 0;
        if (page) delete fromCopy[pageKey(path)];
        give(response);
      }, function (error) {
        instead('copy', error);
      });
    });
  });
}

/* A saved response, remembered as shown from the copy (and why) when it is a page. */
function shown(path, page, why, response) {
  if (page) fromCopy[pageKey(path)] = why;
  return response;
}

self.addEventListener('message', function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (!port || data.type !== 'keep' || !TAG.test(data.lang)) return;
  var path = event.source && event.source.url ? local(event.source.url) : null;
  var copy = data.offline === true ? 'copy' : (path !== null && fromCopy[pageKey(path)]) || '';
  var wishes = {pdfs: data.pdfs === true, saveData: data.saveData === true};
  event.waitUntil(keep(data.lang, copy, wishes, function (state) { port.postMessage(state); }));
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

/* For a page that is not saved: the saved page of the language the reader came from (or
   else of the language saved last) that lists the languages saved on this phone. */
function missing(request, path, why) {
  var from = request.referrer ? local(request.referrer) : null;
  var wanted = [from, path].filter(function (p) { return p; }).map(function (p) { return p.split('/')[0]; });
  return listing(wanted, path, why);
}

/* The saved page of what is saved, of the first language of `wanted` saved here (or of the
   language saved last), with the languages saved on this phone listed; undefined if none. */
function listing(wanted, path, why) {
  wanted = [].concat(wanted);
  return copies().then(function (all) {
    if (!all.length) return undefined;
    var chosen = all.filter(function (copy) { return wanted.indexOf(copy.language) >= 0; })[0] || all[0];
    var address = SCOPE + chosen.language + '/offline/';
    return caches.open(chosen.cache).then(function (cache) {
      return cache.match(address);
    }).then(function (response) {
      if (!response) return undefined;
      return response.text().then(function (html) {
        var items = all.map(function (copy) {
          return '<li><a href="' + escape(SCOPE + copy.language + '/') + '" hreflang="' +
            escape(copy.language) + '" lang="' + escape(copy.language) + '" dir="' +
            (copy.dir === 'rtl' ? 'rtl' : 'ltr') + '">' + escape(copy.name || copy.language) + '</a></li>';
        }).join('');
        // Its links are written for its own address: the base keeps them right anywhere.
        html = html.replace(MARK, items).replace(/<head>/i, '<head><base href="' + escape(address) + '">');
        if (why) fromCopy[pageKey(path)] = why;
        else delete fromCopy[pageKey(path)];
        return new Response(html, {headers: {'Content-Type': 'text/html; charset=utf-8'}});
      });
    });
  });
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
}

/* Tell the page how its language is kept, then bring the saved copy up to date; a page
   shown from the saved copy (offline, or the network silent) fetches nothing. */
function keep(tag, shownFrom, wishes, tell) {
  return current(tag).then(function (copy) {
    if (shownFrom) {
      tell(copy ? describe(shownFrom === 'slow' ? 'slow' : 'copy', copy) : {state: 'failed'});
      return;
    }
    tell(copy ? describe('saved', copy) : {state: 'saving'});
    var opened = ((copy && copy.opened) || 0) + 1;
    var task = running[tag] || update(tag, copy, opened, wishes, tell);
    if (!running[tag]) {
      running[tag] = task = task.then(function (state) {
        delete running[tag];
        return state;
      });
      return task.then(tell);
    }
    // Already saving (another tab, or the reader asked for the PDFs meanwhile): once done, again.
    return task.then(function () { return keep(tag, '', wishes, tell); });
  });
}

/* What the page shows: the state, when the copy was saved, and what it takes. */
function describe(state, copy) {
  return {state: state, date: copy.saved, pages: bytes(copy.files),
          pdfs: copy.pdfBytes || 0, pdfsSaved: !!copy.pdfs && Object.keys(copy.pdfs).length > 0 &&
          bytes(copy.pdfs) >= (copy.pdfBytes || 0)};
}

function bytes(listing) {
  return Object.keys(listing || {}).reduce(function (sum, path) {
    var size = listing[path] && listing[path][1];
    return sum + (typeof size === 'number' ? size : 0);
  }, 0);
}

/* Every complete saved copy, the one saved last first. */
function copies() {
  return caches.keys().then(function (names) {
    var tags = {};
    names.forEach(function (name) {
      if (name.indexOf(PREFIX) === 0) tags[name.slice(PREFIX.length).split(' ')[0]] = true;
    });
    return Promise.all(Object.keys(tags).map(current));
  }).then(function (all) {
    return all.filter(Boolean).sort(function (a, b) { return a.saved < b.saved ? 1 : -1; });
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
          copy.language = tag;
          return copy;
        });
      });
    }));
  }).then(function (found) {
    return found.filter(Boolean).sort(function (a, b) { return a.saved < b.saved ? 1 : -1; })[0] || null;
  });
}

function ours(tag) {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(PREFIX + tag + ' ') === 0; });
  });
}

/* Bring the copy up to date. The PDFs are saved when the reader asked for them (now or
   before), or when the language is opened a second time without the browser's data-saver;
   otherwise only those already saved and unchanged are kept. */
function update(tag, copy, opened, wishes, tell) {
  return fetch(manifestUrl(tag), {cache: 'no-cache'}).then(function (response) {
    if (response.status === 404) return drop(tag, null).then(function () { return null; });
    if (!response.ok) throw new Error('manifest: ' + response.status);
    return response.json().then(function (manifest) {
      var asked = wishes.pdfs || !!(copy && copy.asked);
      var withPdfs = asked || (!wishes.saveData && opened >= 2);
      var pdfs = manifest.pdfs || {};
      var complete = copy && copy.version === manifest.version &&
        (!withPdfs || Object.keys(pdfs).every(function (path) { return copy.pdfs && copy.pdfs[path]; }));
      var details = {opened: opened, asked: asked, name: manifest.name, dir: manifest.dir,
                     pdfBytes: bytes(pdfs)};
      if (complete) {
        return caches.open(copy.cache).then(function (cache) {
          return record(cache, tag, merge(copy, details));
        });
      }
      if (!copy) tell({state: 'saving', pages: bytes(manifest.files), pdfs: details.pdfBytes});
      return download(tag, manifest, copy, withPdfs, details);
    });
  }).then(function (copy) {
    return copy ? describe('saved', copy) : {state: 'failed'};
  }, function () {
    return copy ? describe('saved', copy) : {state: 'failed'};
  });
}

function merge(copy, details) {
  var entry = {version: copy.version, files: copy.files, pdfs: copy.pdfs || {}};
  Object.keys(details).forEach(function (key) { entry[key] = details[key]; });
  return entry;
}

/* Save a new version of a language whole, or not at all; unchanged files are copied from
   the previous version instead of being downloaded again. */
function download(tag, manifest, copy, withPdfs, details) {
  var name = PREFIX + tag + ' ' + manifest.version;
  var files = manifest.files || {};
  var pdfs = {};
  var listed = [files, manifest.pdfs || {}];  // only the hub's own files, each [hash, size]
  if (!listed.every(function (list) {
    return Object.keys(list).every(function (path) { return allowed(tag, path) && valid(list[path]); });
  })) return Promise.reject(new Error('manifest'));
  Object.keys(manifest.pdfs || {}).forEach(function (path) {
    if (withPdfs || (copy && hashOf(copy, path) === manifest.pdfs[path][0])) {
      pdfs[path] = manifest.pdfs[path];
    }
  });
  var listing = {};
  Object.keys(files).forEach(function (path) { listing[path] = files[path]; });
  Object.keys(pdfs).forEach(function (path) { listing[path] = pdfs[path]; });
  var paths = Object.keys(listing);
  if (manifest.language !== tag || !/^[0-9a-f]{16}$/.test(manifest.version)) {
    return Promise.reject(new Error('manifest'));
  }
  // Pages first, PDFs last, a few at a time: the reader's own clicks keep most of the line.
  paths.sort(function (a, b) { return (a.indexOf('pdf/') === 0) - (b.indexOf('pdf/') === 0) || (a < b ? -1 : 1); });
  var old = copy ? {cache: copy.cache, files: {}} : null;
  if (old) [copy.files || {}, copy.pdfs || {}].forEach(function (kept) {
    Object.keys(kept).forEach(function (path) { old.files[path] = kept[path]; });
  });
  return caches.delete(name).then(function () { return caches.open(name); }).then(function (cache) {
    return each(paths, 3, function (path) {
      return fetched(path, listing[path][0], old).then(function (response) {
        return cache.put(SCOPE + path, response);
      });
    }).then(function () {
      // The reader removed the saved pages meanwhile: this copy is not kept either.
      return caches.has(PREFIX + 'off');
    }).then(function (refused) {
      if (refused) throw new Error('removed by the reader');
      var entry = merge({version: manifest.version, files: files, pdfs: pdfs}, details);
      return record(cache, tag, entry);
    });
  }).then(function (entry) {
    return drop(tag, name).then(function () { return entry; });
  }, function (error) {
    return caches.delete(name).then(function () { throw error; });
  });
}

/* The hash a saved copy lists for a path: [hash, size] entries, or a bare hash (as saved by
   the worker before sizes were listed, PDFs among the files): reused, not downloaded again. */
function hashOf(copy, path) {
  var kept = (copy.files && copy.files[path]) || (copy.pdfs && copy.pdfs[path]);
  return typeof kept === 'string' ? kept : Array.isArray(kept) ? kept[0] : null;
}

function valid(entry) {
  return Array.isArray(entry) && /^[0-9a-f]{16}$/.test(entry[0]) && typeof entry[1] === 'number';
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
  var reuse = copy && hashOf(copy, path) === hash
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

/* Store the copy's listing with today's date: from then on the copy is complete. */
function record(cache, tag, entry) {
  entry.saved = new Date().toISOString();
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
