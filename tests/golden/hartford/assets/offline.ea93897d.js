/* Haven: keep this language's pages on this phone for use without internet, and say so.
   It does something only where the browser can (a service worker, on https); elsewhere, and
   without JavaScript, nothing changes and nothing is shown. Its words are in the page, in
   the reader's language: the data- attributes of this script's element. */
(function () {
  'use strict';
  var script = document.currentScript;
  var workers = navigator.serviceWorker;
  if (!script || !workers || !window.caches || !window.MessageChannel) return;
  var words = script.dataset;
  var worker = new URL(words.worker, location.href).href;
  var scope = worker.slice(0, worker.lastIndexOf('/') + 1);
  var refused = 'haven-offline ' + scope + ' off';
  var box = null;
  var line = null;
  var button = null;
  var turns = 0;
  var placed = 0;

  script.setAttribute('data-state', 'starting');
  caches.has(refused).then(function (off) {
    if (off) show('off');
    else start();
  }, function () {});

  function start() {
    workers.register(worker).then(active).then(function (running) {
      if (!running) return;
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        show(event.data.state, event.data.date);
      };
      // Offline, the page may have come from the browser's own cache rather than the
      // worker's: it is still the saved copy, and says so.
      running.postMessage({type: 'keep', lang: words.lang, offline: navigator.onLine === false},
                          [channel.port2]);
    })['catch'](function () {});
  }

  /* The hub's worker once it runs (not navigator.serviceWorker.ready, which could be
     another worker registered closer to this page). */
  function active(registration) {
    var next = registration.installing || registration.waiting;
    if (registration.active || !next) return Promise.resolve(registration.active);
    return new Promise(function (resolve) {
      next.addEventListener('statechange', function () {
        if (next.state === 'activated' || next.state === 'redundant') resolve(registration.active);
      });
    });
  }

  function show(state, date) {
    if (!words[state]) return;
    script.setAttribute('data-state', state);
    var top = state === 'copy';
    var fresh = !box || box.getAttribute('data-place') !== (top ? 'top' : 'foot');
    var focused = button !== null && document.activeElement === button;
    if (fresh && !place(top)) return;
    var lang = words[state + 'Lang'];
    var text = words[state].replace('{date}', day(date, lang || words.locale || words.lang));
    var turn = ++turns;
    var write = function () {
      if (turn !== turns) return;  // a later status was shown meanwhile
      if (line.textContent !== text) line.textContent = text;
      mark(line, lang);
      box.setAttribute('data-state', state);
    };
    // A status line is announced when its text changes once it is on the page: news (saving,
    // the saved copy shown offline) waits a moment; a copy already saved is shown quietly.
    var quiet = fresh && (state === 'saved' || state === 'off');
    var wait = quiet ? 0 : Math.max(0, placed + 150 - Date.now());
    if (wait) setTimeout(write, wait);
    else write();
    var action = state === 'saved' || state === 'copy' ? 'remove' : state === 'off' ? 'save' : '';
    button.hidden = !action;
    if (action) {
      button.textContent = words[action];
      mark(button, words[action + 'Lang']);
      button.setAttribute('data-action', action);
      if (focused) button.focus();
    }
  }

  function place(top) {
    var host = document.querySelector(top ? 'main' : 'footer');
    if (!host) return false;
    if (box) box.parentNode.removeChild(box);
    placed = Date.now();
    box = document.createElement('div');
    box.className = top ? 'offline notice' : 'offline';
    box.setAttribute('data-place', top ? 'top' : 'foot');
    line = document.createElement('p');
    line.setAttribute('role', 'status');
    button = document.createElement('button');
    button.type = 'button';
    button.hidden = true;
    button.addEventListener('click', act);
    box.appendChild(line);
    box.appendChild(button);
    if (top) host.insertBefore(box, host.firstChild);
    else host.appendChild(box);
    return true;
  }

  /* Text shown in another language than the page's says which (and runs in its direction). */
  function mark(element, lang) {
    if (lang) {
      element.setAttribute('lang', lang);
      element.setAttribute('dir', 'auto');
    } else {
      element.removeAttribute('lang');
      element.removeAttribute('dir');
    }
  }

  function day(iso, lang) {
    var when = new Date(iso || '');
    if (isNaN(when.getTime())) return '';
    var options = {year: 'numeric', month: 'long', day: 'numeric'};
    try {
      return when.toLocaleDateString(lang, options);
    } catch (error) {
      return when.toLocaleDateString(undefined, options);
    }
  }

  /* Remove everything this hub saved on the phone, and remember not to save it again until
     the reader asks (an empty cache named "… off" is that memory); or save it again. */
  function act() {
    if (button.getAttribute('data-action') === 'save') {
      caches['delete'](refused).then(function () {
        show('saving');
        start();
      });
      return;
    }
    workers.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.filter(function (registration) {
        var w = registration.active || registration.waiting || registration.installing;
        return w && w.scriptURL === worker;
      }).map(function (registration) { return registration.unregister(); }));
    }).then(function () {
      return caches.keys();
    }).then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf('haven-offline ' + scope + ' ') === 0;
      }).map(function (name) { return caches['delete'](name); }));
    }).then(function () {
      return caches.open(refused);
    }).then(function () {
      show('off');
    });
  }
}());
