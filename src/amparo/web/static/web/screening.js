/* Screening form: keep a draft on this device so that a dropped connection or a reload loses
   no answer, and restore it with a visible notice. Strict CSP: no inline script, no eval, no
   inline style; everything hangs on ids and data- attributes set by the templates.

   The draft lives in localStorage under a key naming the user and the protocol, expires after
   a few hours (a shared phone must not keep answers for long), and is dropped when the result
   page of a successful submission loads (it carries data-clear-draft). */
(function () {
  "use strict";

  var PREFIX = "amparo.screening-draft.";
  var MAX_AGE_MS = 12 * 60 * 60 * 1000;
  var MAX_ROUNDS = 5; // refreshes while restoring answers to questions that only show later
  var SKIPPED = { csrfmiddlewaretoken: true, refresh: true };

  function store() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: the form still works, without drafts
    }
  }

  function load(key) {
    var storage = store();
    var raw = storage && storage.getItem(PREFIX + key);
    if (!raw) {
      return null;
    }
    try {
      var draft = JSON.parse(raw);
      if (Date.now() - draft.savedAt > MAX_AGE_MS) {
        storage.removeItem(PREFIX + key);
        return null;
      }
      return draft.values;
    } catch (error) {
      storage.removeItem(PREFIX + key);
      return null;
    }
  }

  function drop(key) {
    var storage = store();
    if (storage) {
      storage.removeItem(PREFIX + key);
    }
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

  function save(form) {
    var storage = store();
    if (!storage || discarded) {
      return;
    }
    var draft = { savedAt: Date.now(), values: serialise(form) };
    try {
      storage.setItem(PREFIX + form.dataset.draftKey, JSON.stringify(draft));
    } catch (error) {
      // Storage full or refused: the answers on screen are still there.
    }
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
    var rounds = 0;

    function finishRestoring() {
      restoring = null;
      save(form);
    }

    form.addEventListener("input", function () {
      if (!restoring) {
        save(form);
      }
    });
    form.addEventListener("change", function () {
      if (!restoring) {
        save(form);
      }
    });
    document.body.addEventListener("htmx:afterSettle", function () {
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

    var draft = form.hasAttribute("data-draft-restore") ? load(key) : null;
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
