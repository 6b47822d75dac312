/* Progressive enhancement for quiz forms. Without JavaScript every question is a plain
   form (radio buttons and numbered selects) saved when the learner changes page. With it,
   steps can be dragged or moved with buttons, behaviours can be dragged onto a colour, and
   the page is saved on the server as she answers; the form fields stay the truth. */
(function () {
  "use strict";

  function renumber(list) {
    list.querySelectorAll("[data-order-step]").forEach(function (step, index) {
      step.querySelector("select").value = String(index + 1);
    });
    list.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function moveButton(label, step, list, direction) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "small-button";
    button.textContent = label;
    button.setAttribute("aria-label", label + ": " + step.querySelector("label").textContent);
    button.addEventListener("click", function () {
      var sibling = direction < 0 ? step.previousElementSibling : step.nextElementSibling;
      if (!sibling) { return; }
      if (direction < 0) { list.insertBefore(step, sibling); } else { list.insertBefore(sibling, step); }
      renumber(list);
      button.focus();
    });
    return button;
  }

  document.querySelectorAll("[data-order-list]").forEach(function (list) {
    var dragged = null;
    list.querySelectorAll("[data-order-step]").forEach(function (step) {
      var controls = document.createElement("span");
      controls.className = "order__controls";
      controls.appendChild(moveButton("Move up", step, list, -1));
      controls.appendChild(moveButton("Move down", step, list, 1));
      step.appendChild(controls);
      step.draggable = true;
      step.addEventListener("dragstart", function () { dragged = step; step.classList.add("is-dragging"); });
      step.addEventListener("dragend", function () { step.classList.remove("is-dragging"); renumber(list); });
      step.addEventListener("dragover", function (event) {
        event.preventDefault();
        if (dragged && dragged !== step) {
          var rect = step.getBoundingClientRect();
          var after = event.clientY > rect.top + rect.height / 2;
          list.insertBefore(dragged, after ? step.nextElementSibling : step);
        }
      });
    });
  });

  document.querySelectorAll("[data-sort]").forEach(function (sort) {
    var zones = document.createElement("div");
    zones.className = "sort__zones";
    zones.setAttribute("aria-hidden", "true");
    ["green", "amber", "red"].forEach(function (colour) {
      var zone = document.createElement("div");
      zone.className = "sort__zone colour--" + colour;
      zone.textContent = "Drop here: " + colour.charAt(0).toUpperCase() + colour.slice(1);
      zone.addEventListener("dragover", function (event) { event.preventDefault(); });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        var name = event.dataTransfer.getData("text/plain");
        var radio = sort.querySelector('input[type=radio][name="' + name + '"][value="' + colour + '"]');
        if (radio) {
          radio.checked = true;
          radio.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      zones.appendChild(zone);
    });
    sort.appendChild(zones);
    sort.querySelectorAll("[data-sort-item]").forEach(function (item) {
      var radio = item.querySelector("input[type=radio]");
      item.draggable = true;
      item.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", radio.name);
      });
    });
  });

  /* Save the page a moment after each answer, with the same fields the buttons send. */
  document.querySelectorAll("[data-autosave]").forEach(function (form) {
    var status = form.querySelector("[data-save-status]");
    var timer = null;
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      var data = new FormData(form);
      data.append("autosave", "1");
      fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.json().then(function (body) {
          if (body.saved) {
            say(body.problems && body.problems.length ? body.problems.join(" ") : "Your answers on this page are saved.");
          } else {
            say(body.message || "Your answers could not be saved. They will be saved when you change page.");
          }
        });
      }).catch(function () {
        say("Your answers could not be saved just now. They will be saved when you change page.");
      });
    }
    form.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 500);
    });
  });
}());
