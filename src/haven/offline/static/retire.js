/* Haven: offline use is turned off for this hub. This worker removes what an earlier
   version saved on the phone, then removes itself. */
'use strict';

self.addEventListener('install', function () { self.skipWaiting(); });

self.addEventListener('activate', function (event) {
  var prefix = 'haven-offline ' + self.registration.scope + ' ';
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(prefix) === 0; })
      .map(function (name) { return caches['delete'](name); }));
  }).then(function () {
    return self.registration.unregister();
  }));
});
