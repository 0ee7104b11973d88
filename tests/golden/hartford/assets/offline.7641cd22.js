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
  var worker = new URL(words.worker, document.baseURI).href;  // the offline page has a <base>
  var scope = worker.slice(0, worker.lastIndexOf('/') + 1);
  var refused = 'haven-offline ' + scope + ' off';
  var locale = words.locale || words.lang;
  var box = null;
  var line = null;
  var info = null;
  var links = null;
  var actions = null;
  var turns = 0;
  var placed = 0;
  var last = null;
  var confirming = false;

  script.setAttribute('data-state', 'starting');
  caches.has(refused).then(function (off) {
    if (off) show({state: 'off'});
    else start(false);
  }, function () {});

  /* The browser's data-saver (Chrome, Android): then the PDFs wait until the reader asks. */
  function saveData() {
    var connection = navigator.connection;
    return !!(connection && connection.saveData === true);
  }

  function start(pdfs) {
    // A page the worker already answers talks to it at once: registering again checks for a
    // new worker over the network, which on a silent network would keep the page waiting.
    var controller = workers.controller;
    var registered = workers.register(worker);
    var ready = controller && controller.scriptURL === worker
      ? Promise.resolve(controller) : registered.then(active);
    registered['catch'](function () {});
    ready.then(function (running) {
      if (!running) return;
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { show(event.data); };
      // Offline, the page may have come from the browser's own cache rather than the
      // worker's: it is still the saved copy, and says so.
      running.postMessage({type: 'keep', lang: words.lang, offline: navigator.onLine === false,
                           saveData: saveData(), pdfs: pdfs}, [channel.port2]);
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

  function show(status) {
    var state = status && status.state;
    if (!state || !words[state]) return;
    last = status;
    script.setAttribute('data-state', state);
    var top = state === 'copy' || state === 'slow';
    var fresh = !box || box.getAttribute('data-place') !== (top ? 'top' : 'foot');
    var focused = document.activeElement && box && box.contains(document.activeElement)
      ? document.activeElement.getAttribute('data-action') : null;
    if (fresh && !place(top)) return;
    var lang = words[state + 'Lang'];
    var text = words[state].replace('{date}', day(status.date, lang || locale));
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
    sizes(status);
    help(top);
    buttons(focused);
  }

  /* What the pages take on the phone, and the PDFs (saved or not). */
  function sizes(status) {
    var parts = [];
    if ((status.state === 'saving' || status.state === 'saved') && status.pages) {
      parts.push(['pagesSize', status.pages]);
      if (status.pdfsSaved) parts.push(['pdfsSaved', status.pages + status.pdfs]);
      else if (status.pdfs) parts.push(['pdfsSize', status.pdfs]);
    }
    empty(info);
    info.hidden = !parts.length;
    parts.forEach(function (part) {
      var span = document.createElement('span');
      span.textContent = words[part[0]].replace('{size}', size(part[1], words[part[0] + 'Lang']));
      mark(span, words[part[0] + 'Lang']);
      if (info.firstChild) info.appendChild(document.createTextNode(' '));
      info.appendChild(span);
    });
  }

  /* Offline, what helps instead: the languages saved here, and the number to call. */
  function help(top) {
    empty(links);
    links.hidden = !top;
    if (!top) return;
    var list = document.createElement('a');
    list.href = new URL(words.savedPage, document.baseURI).href;
    list.textContent = words.list;
    mark(list, words.listLang);
    links.appendChild(list);
    var tel = document.querySelector('footer a.tel');
    if (tel) {
      links.appendChild(document.createTextNode(' · '));
      var call = document.createElement('span');
      call.textContent = words.call + ': ';
      mark(call, words.callLang);
      links.appendChild(call);
      links.appendChild(tel.cloneNode(true));
    }
  }

  function buttons(focused) {
    var state = last.state;
    var wanted = [];
    if (confirming) wanted = ['yes', 'no'];
    else if (state === 'saved' && last.pdfs && !last.pdfsSaved) wanted = ['savePdfs', 'remove'];
    else if (state === 'saved' || state === 'copy' || state === 'slow') wanted = ['remove'];
    else if (state === 'off') wanted = ['save'];
    empty(actions);
    if (confirming) {
      var question = document.createElement('p');
      question.textContent = words.confirm;
      mark(question, words.confirmLang);
      actions.appendChild(question);
    }
    wanted.forEach(function (action) {
      var button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('data-action', action);
      button.textContent = words[action].replace('{size}', size(last.pdfs || 0, words[action + 'Lang']));
      mark(button, words[action + 'Lang']);
      button.addEventListener('click', act);
      actions.appendChild(button);
      if (focused === action) button.focus();
    });
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
    info = document.createElement('p');
    info.className = 'size';
    links = document.createElement('p');
    actions = document.createElement('div');
    box.appendChild(line);
    box.appendChild(info);
    box.appendChild(links);
    box.appendChild(actions);
    if (top) host.insertBefore(box, host.firstChild);
    else host.appendChild(box);
    return true;
  }

  function empty(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
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

  /* A size as the reader's language writes it: 463 kB, 1.2 MB. */
  function size(bytes, lang) {
    var mega = bytes >= 1e6;
    var amount = mega ? bytes / 1e6 : Math.max(1, Math.round(bytes / 1e3));
    var options = {style: 'unit', unit: mega ? 'megabyte' : 'kilobyte', unitDisplay: 'short',
                   maximumFractionDigits: mega ? 1 : 0};
    try {
      return new Intl.NumberFormat(lang || locale, options).format(amount);
    } catch (error) {
      return (mega ? amount.toFixed(1) : String(amount)) + (mega ? ' MB' : ' kB');
    }
  }

  function act(event) {
    var action = event.currentTarget.getAttribute('data-action');
    if (action === 'save') {
      caches['delete'](refused).then(function () {
        show({state: 'saving'});
        start(false);
      });
    } else if (action === 'savePdfs') {
      start(true);
    } else if (action === 'remove' || action === 'no') {
      confirming = action === 'remove';
      buttons(confirming ? 'no' : 'remove');
    } else if (action === 'yes') {
      confirming = false;
      remove();
    }
  }

  /* Remove everything this hub saved on the phone, and remember not to save it again until
     the reader asks (an empty cache named "… off" is that memory). */
  function remove() {
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
      show({state: 'off'});
      var again = actions.querySelector('button');
      if (again) again.focus();
    });
  }
}());
