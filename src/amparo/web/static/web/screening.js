/* Screening form: keep a draft on this device so that a dropped connection or a reload loses
   no answer, and restore it with a visible notice. Strict CSP: no inline script, no eval, no
   inline style; everything hangs on ids and data- attributes set by the templates.

   The draft is encrypted (AES-GCM, WebCrypto) under a key that only the server's session holds
   and hands to the form page (data-draft-secret, removed from the page once imported, never
   written to storage): signing out (which also sends Clear-Site-Data) or the session's expiry
   leaves every draft unreadable, and the next form page removes what it cannot read. A draft
   also expires after a few hours (a shared phone must not keep answers for long) and is
   dropped when the result page of a successful submission loads (data-clear-draft). Without
   WebCrypto (a page not served over HTTPS) no draft is kept at all: never one in clear. */
(function () {
  "use strict";

  var PREFIX = "amparo.screening-draft.";
  var MAX_AGE_MS = 12 * 60 * 60 * 1000;
  var MAX_ROUNDS = 5; // refreshes while restoring answers to questions that only show later
  var SKIPPED = { csrfmiddlewaretoken: true, refresh: true };
  var cipher = null; // { keyId, key: Promise<CryptoKey> } for this session, once set up

  function store() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: the form still works, without drafts
    }
  }

  function toBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) {
      text += String.fromCharCode(bytes[i]);
    }
    return window.btoa(text);
  }

  function fromBase64(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/");
    while (padded.length % 4) {
      padded += "=";
    }
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  /* The session's key, imported as non-extractable; the secret leaves the page's markup. */
  function setUpCipher(form) {
    var secret = form.dataset.draftSecret;
    var keyId = form.dataset.draftKeyId;
    delete form.dataset.draftSecret;
    var subtle = window.crypto && window.crypto.subtle;
    if (!secret || !keyId || !subtle) {
      return null;
    }
    var key = subtle.importKey("raw", fromBase64(secret), { name: "AES-GCM" }, false, [
      "encrypt",
      "decrypt",
    ]);
    return { keyId: keyId, key: key };
  }

  /* The draft's name is authenticated with it: a draft cannot be moved to another user. */
  function params(key, iv) {
    return { name: "AES-GCM", iv: iv, additionalData: new TextEncoder().encode(PREFIX + key) };
  }

  function drop(key) {
    var storage = store();
    if (storage) {
      storage.removeItem(PREFIX + key);
    }
  }

  /* Remove every draft this session cannot read: another session's, or one kept in clear. */
  function dropUnreadable() {
    var storage = store();
    if (!storage) {
      return;
    }
    var names = [];
    for (var i = 0; i < storage.length; i += 1) {
      names.push(storage.key(i));
    }
    names.forEach(function (name) {
      if (!name || name.indexOf(PREFIX) !== 0) {
        return;
      }
      var draft = null;
      try {
        draft = JSON.parse(storage.getItem(name));
      } catch (error) {
        draft = null;
      }
      if (!cipher || !draft || draft.keyId !== cipher.keyId) {
        storage.removeItem(name);
      }
    });
  }

  /* A promise of the draft's values, or of null when there is none this session can read. */
  function load(key) {
    var storage = store();
    var raw = storage && cipher && storage.getItem(PREFIX + key);
    if (!raw) {
      return Promise.resolve(null);
    }
    var draft;
    try {
      draft = JSON.parse(raw);
    } catch (error) {
      drop(key);
      return Promise.resolve(null);
    }
    if (draft.keyId !== cipher.keyId || Date.now() - draft.savedAt > MAX_AGE_MS) {
      drop(key);
      return Promise.resolve(null);
    }
    return cipher.key
      .then(function (cryptoKey) {
        var sealed = fromBase64(draft.data);
        return window.crypto.subtle.decrypt(params(key, fromBase64(draft.iv)), cryptoKey, sealed);
      })
      .then(function (plain) {
        return JSON.parse(new TextDecoder().decode(plain));
      })
      .catch(function () {
        drop(key);
        return null;
      });
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !SKIPPED[element.name] && element.type !== "submit" &&
        element.type !== "button";
    });
  }

  function serialise(form) {
    var values = {};
    fields(form).forEach(function (element) {
      var list = values[element.name] || (values[element.name] = []);
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) {
          list.push(element.value);
        }
      } else {
        list.push(element.value);
      }
    });
    return values;
  }

  var discarded = false; // once discarded, a late htmx answer must not save the draft again
  var latest = 0; // saves finish out of order: only the newest one is written

  function save(form) {
    var storage = store();
    if (!storage || discarded || !cipher) {
      return;
    }
    var key = form.dataset.draftKey;
    var plain = new TextEncoder().encode(JSON.stringify(serialise(form)));
    var iv = window.crypto.getRandomValues(new Uint8Array(12));
    var mine = (latest += 1);
    cipher.key
      .then(function (cryptoKey) {
        return window.crypto.subtle.encrypt(params(key, iv), cryptoKey, plain);
      })
      .then(function (sealed) {
        if (mine !== latest || discarded) {
          return;
        }
        var draft = {
          keyId: cipher.keyId,
          savedAt: Date.now(),
          iv: toBase64(iv),
          data: toBase64(new Uint8Array(sealed)),
        };
        storage.setItem(PREFIX + key, JSON.stringify(draft));
      })
      .catch(function () {
        // Storage full or refused, or the key unusable: the answers on screen are still there.
      });
  }

  /* Put the draft's values into the fields present; true if anything changed. */
  function apply(form, values) {
    var changed = false;
    fields(form).forEach(function (element) {
      var wanted = values[element.name];
      if (!wanted) {
        return;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        var checked = wanted.indexOf(element.value) !== -1;
        if (element.checked !== checked) {
          element.checked = checked;
          changed = true;
        }
      } else if (wanted.length && element.value !== wanted[0]) {
        element.value = wanted[0];
        changed = true;
      }
    });
    return changed;
  }

  function absent(form, values) {
    return Object.keys(values).some(function (name) {
      return !SKIPPED[name] && !form.elements.namedItem(name);
    });
  }

  function show(id, visible) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = !visible;
    }
  }

  function refresh(form) {
    if (window.htmx) {
      window.htmx.trigger(form, "change");
      return true;
    }
    return false;
  }

  function setUp(form) {
    var key = form.dataset.draftKey;
    var restoring = null; // the draft being restored, while questions may still appear
    var loading = true; // the draft is being decrypted: nothing may overwrite it meanwhile
    var rounds = 0;

    function finishRestoring() {
      restoring = null;
      save(form);
    }

    form.addEventListener("input", function () {
      if (!restoring && !loading) {
        save(form);
      }
    });
    form.addEventListener("change", function () {
      if (!restoring && !loading) {
        save(form);
      }
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      if (loading) {
        return;
      }
      if (!restoring) {
        save(form);
        return;
      }
      rounds += 1;
      var changed = apply(form, restoring);
      if (!(changed && absent(form, restoring) && rounds < MAX_ROUNDS && refresh(form))) {
        if (changed) {
          refresh(form); // the last answers applied may still change what shows next
        }
        finishRestoring();
      }
    });
    document.body.addEventListener("htmx:sendError", function () {
      show("offline-notice", true);
      if (restoring) {
        finishRestoring();
      }
    });
    window.addEventListener("offline", function () {
      show("offline-notice", true);
    });
    window.addEventListener("online", function () {
      show("offline-notice", false);
    });

    var discard = document.getElementById("draft-discard");
    if (discard) {
      discard.addEventListener("click", function () {
        discarded = true;
        drop(key);
        window.location.assign(window.location.pathname);
      });
    }

    var pending = form.hasAttribute("data-draft-restore") ? load(key) : Promise.resolve(null);
    pending.then(function (draft) {
      loading = false;
      if (!draft) {
        save(form);
        return;
      }
      var changed = apply(form, draft);
      if (changed) {
        show("draft-restored", true);
      }
      if (changed && absent(form, draft) && refresh(form)) {
        restoring = draft;
      } else {
        if (changed) {
          refresh(form);
        }
        save(form);
      }
    });
  }

  var started = false;

  function start() {
    if (started) {
      return;
    }
    started = true;
    Array.prototype.forEach.call(document.querySelectorAll("[data-clear-draft]"), function (el) {
      drop(el.dataset.clearDraft);
    });
    var form = document.getElementById("screening-form");
    if (form && form.dataset.draftKey) {
      cipher = setUpCipher(form);
      dropUnreadable();
      setUp(form);
    }
  }

  /* Deferred scripts run before DOMContentLoaded, and htmx sets the form up on that event:
     start after it, so that a refresh asked for while restoring reaches the server. */
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
    window.addEventListener("load", start);
  }
})();
