/* Haven: instant filters and search on the help page.
   Without this script the page's links do the same work, one page per filter.
   It stores nothing and sends nothing: the search index is a file of this site, loaded
   the first time the search box is used, and the query never leaves the page. */
(function () {
  'use strict';
  var doc = document;
  var me = doc.currentScript;
  var tpl = doc.getElementById('find-ui');
  if (!me || !tpl || !tpl.content) return;

  function part(selector) { return tpl.content.querySelector(selector).cloneNode(true); }
  function el(name, text, cls) {
    var e = doc.createElement(name);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function counted(node, n) {
    node.querySelector('.n').textContent = String(n);
    return node;
  }
  function fill(target, node) {
    while (target.firstChild) target.removeChild(target.firstChild);
    if (node) while (node.firstChild) target.appendChild(node.firstChild);
  }

  /* ---- Filters: each link of a filter becomes a toggle; filters of one kind widen the list
     (Spanish or French), filters of different kinds narrow it (Spanish and free). */
  var lists = doc.querySelectorAll('ul[data-g]');
  var orgs = doc.getElementById('orgs');
  var groups = [];
  var items = [];
  var bar = null;

  function tokens(text) {
    var out = {};
    text.split('.').forEach(function (t) { if (t) out[t] = true; });
    return out;
  }
  function fits(service, except) {
    for (var g = 0; g < groups.length; g++) {
      if (g === except || !groups[g].on.length) continue;
      var hit = false;
      for (var i = 0; i < groups[g].on.length && !hit; i++) hit = service[groups[g].on[i]];
      if (!hit) return false;
    }
    return true;
  }
  function update() {
    var shown = 0;
    var any = groups.some(function (g) { return g.on.length; });
    items.forEach(function (item) {
      var ok = !any || item.services.some(function (s) { return fits(s, -1); });
      item.li.hidden = !ok;
      if (ok) shown++;
    });
    groups.forEach(function (group, g) {
      group.values.forEach(function (v) {
        var n = 0;
        items.forEach(function (item) {
          if (item.services.some(function (s) { return s[v.f] && fits(s, g); })) n++;
        });
        v.n.textContent = '(' + n + ')';
      });
    });
    counted(bar.querySelector('.count'), shown);
  }
  function toggle(group, v) {
    var i = group.on.indexOf(v.f);
    if (i < 0) group.on.push(v.f); else group.on.splice(i, 1);
    v.button.setAttribute('aria-pressed', i < 0 ? 'true' : 'false');
    update();
  }

  if (lists.length && orgs) {
    Array.prototype.forEach.call(orgs.children, function (li) {
      var spec = li.getAttribute('data-s') || '';
      items.push({li: li, services: spec ? spec.split(' ').map(tokens) : []});
    });
    Array.prototype.forEach.call(lists, function (ul) {
      var group = {on: [], values: []};
      Array.prototype.forEach.call(ul.querySelectorAll('a[data-f]'), function (a) {
        var b = el('button', '', 'tog');
        b.type = 'button';
        b.setAttribute('aria-pressed', 'false');
        while (a.firstChild) b.appendChild(a.firstChild);
        a.parentNode.replaceChild(b, a);
        var v = {f: a.getAttribute('data-f'), button: b, n: b.querySelector('.n')};
        b.addEventListener('click', function () { toggle(group, v); });
        group.values.push(v);
      });
      groups.push(group);
    });
    bar = part('.filtered');
    bar.querySelector('button').addEventListener('click', function () {
      groups.forEach(function (group) {
        group.on = [];
        group.values.forEach(function (v) { v.button.setAttribute('aria-pressed', 'false'); });
      });
      update();
    });
    var filters = doc.getElementById('filters');
    filters.parentNode.insertBefore(bar, filters.nextSibling);
    update();
  }

  /* ---- Search: every language's pages, organizations and services, matched on any part of
     a word (scripts such as Chinese or Burmese put no spaces between words), accents,
     Arabic vowel marks and letter variants ignored, numbers matched on their digits. */
  var box = part('.find');
  tpl.parentNode.insertBefore(box, tpl);
  var input = box.querySelector('input');
  var status = box.querySelector('.count');
  var found = box.querySelector('.found');
  var source = me.getAttribute('data-index');
  var root = source.replace(/[^\/]*$/, '');
  var index = null;
  var loading = false;
  var timer = 0;

  var MARKS = /[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u00ad\u200b-\u200f\u2060\ufeff]/g;
  var GAPS = /[\s!-\/:-@\[-`{-~\u00a1-\u00bf\u2010-\u205e\u3000-\u303f\u060c\u061b\u061f\u066a-\u066d\u06d4\u0964\u0965\u104a\u104b\u1361-\u1368]+/g;
  var ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
               0xe50, 0xed0, 0x1040, 0x1090, 0x17e0, 0x1810];
  var DIGITS = new RegExp('[' + ZEROS.map(function (z) {
    return String.fromCharCode(z) + '-' + String.fromCharCode(z + 9);
  }).join('') + ']', 'g');

  function digit(c) {  /* ٣ ۳ ३ ၃ … are 3 */
    var code = c.charCodeAt(0);
    for (var i = 0; i < ZEROS.length; i++) {
      if (code >= ZEROS[i] && code < ZEROS[i] + 10) return String(code - ZEROS[i]);
    }
    return c;
  }
  function fold(text) {
    text = String(text || '');
    if (text.normalize) text = text.normalize('NFKD');
    return (' ' + text.toLowerCase() + ' ')
      .replace(MARKS, '').replace(/['\u2019\u02bc]/g, '')
      .replace(/[\u0649\u064a\u06cc]/g, '\u064a').replace(/[\u0643\u06a9]/g, '\u0643')
      .replace(/\u0629/g, '\u0647').replace(DIGITS, digit)
      .replace(GAPS, ' ');
  }

  function prepare(data) {
    var pages = data.p.map(function (p, i) {
      return {kind: 1, order: i, title: p[0], url: root + p[1], ft: fold(p[0]),
              fx: fold(p[2] + ' ' + p[3]), digits: ' ' + p[3], lang: p[4] || ''};
    });
    var people = data.o.map(function (o, i) {
      var url = root + o[1];
      return {kind: 0, order: i, title: o[0], url: url, ft: fold(o[0]),
              fx: fold(o[2] + ' ' + o[5]), tel: o[3], shown: o[4], digits: ' ' + o[5],
              services: o[6].map(function (s) {
                return {title: s[0], url: url + '#' + s[1], ft: fold(s[0]), fx: fold(s[2]),
                        lang: s[3] || ''};
              })};
    });
    return people.concat(pages);
  }

  function score(entry, terms, number) {
    entry.hits = [];
    if (number) return entry.digits.indexOf(number) > 0 ? 8 : 0;
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var best = 0;
      var at = entry.ft.indexOf(term);
      if (at === 1) best = 8;
      else if (at > 0) best = entry.ft.charAt(at - 1) === ' ' ? 6 : 4;
      (entry.services || []).forEach(function (s) {
        var where = s.ft.indexOf(term);
        var inText = s.fx.indexOf(term) > 0;
        if (where > 0 || inText) {
          if (entry.hits.indexOf(s) < 0) entry.hits.push(s);
          best = Math.max(best, where > 0 ? 3 : 1);
        }
      });
      if (!best && entry.fx.indexOf(term) > 0) best = 1;
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function link(text, href, lang) {
    var a = el('a', text);
    a.href = href;
    a.setAttribute('dir', 'auto');
    if (lang) a.setAttribute('lang', lang);
    return a;
  }

  function show(entry) {
    var li = el('li');
    li.appendChild(link(entry.title, entry.url, entry.lang));
    if (entry.tel) {
      li.appendChild(doc.createTextNode(' · '));
      var tel = link(entry.shown, entry.tel);
      tel.className = 'tel';
      tel.setAttribute('dir', 'ltr');
      li.appendChild(tel);
    }
    if (entry.hits && entry.hits.length) {
      var small = el('small');
      entry.hits.forEach(function (s, i) {
        if (i) small.appendChild(doc.createTextNode(' · '));
        small.appendChild(link(s.title, s.url, s.lang));
      });
      li.appendChild(el('br'));
      li.appendChild(small);
    }
    return li;
  }

  function run() {
    if (!index) {  /* it runs again once the index has come; a failed load is tried again */
      load();
      return;
    }
    var query = fold(input.value).trim();
    fill(found, null);
    var number = query.replace(/[^0-9]/g, '');
    var words = query.replace(/[0-9 ]/g, '');
    if ((!words && number.length < 3) ||
        (words && query.length < 2 && query.charCodeAt(0) < 0x2e80)) {
      fill(status, null);
      return;
    }
    var terms = query.split(' ');
    var results = [];
    index.forEach(function (entry) {
      entry.score = score(entry, terms, words ? '' : number);
      if (entry.score) results.push(entry);
    });
    results.sort(function (a, b) {
      return b.score - a.score || a.kind - b.kind || a.order - b.order;
    });
    results.forEach(function (entry) { found.appendChild(show(entry)); });
    fill(status, results.length ? counted(part('[data-text=results]'), results.length)
                                 : part('[data-text=none]'));
  }

  function load() {
    if (index || loading) return;
    loading = true;
    window.havenIndex = function (data) {
      index = prepare(data);
      run();
    };
    var script = doc.createElement('script');
    script.src = source;
    script.onerror = function () {  /* offline, say: the number to call is still there */
      loading = false;
      doc.head.removeChild(script);
      fill(status, part('[data-text=none]'));
    };
    doc.head.appendChild(script);
  }

  input.addEventListener('focus', load);
  input.addEventListener('input', function () {
    load();
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      clearTimeout(timer);
      run();
    }
  });
})();
